namespace TransportBench.Measurement;

/// <summary>One measured pairing or client mode; one <see cref="Rep"/> per repetition, in repetition order.</summary>
internal sealed class Scenario(string key, string name)
{
    public string Key { get; } = key;

    public string Name { get; } = name;

    public List<Rep> Reps { get; } = [];

    public long Failed => Reps.Sum(r => r.Failed);

    public double? Median(Func<Rep, double?> field) => Stats.Median(Reps.Select(field));

    public double? Min(Func<Rep, double?> field) => Reps.Select(field).Where(v => v.HasValue).Min();

    public double? Max(Func<Rep, double?> field) => Reps.Select(field).Where(v => v.HasValue).Max();
}
