namespace EnsembleGrpc.LoadGen.Measurement;

/// <summary>
/// When a step has measured enough (perf_analyzer's rule): throughput and p99 over the last
/// <see cref="WindowsToCompare"/> windows each stay within <see cref="Tolerance"/> of their mean, and every one
/// of those windows completed requests. Otherwise the step goes on until <see cref="MaxWindows"/>.
/// </summary>
public sealed record StabilityCriteria
{
    public const double DefaultTolerance = 0.10;
    public const int DefaultMaxWindows = 10;

    public double Tolerance { get; init; } = DefaultTolerance;

    public int WindowsToCompare { get; init; } = 3;

    public int MaxWindows { get; init; } = DefaultMaxWindows;

    public bool IsStable(IReadOnlyList<WindowSummary> windows)
    {
        if (windows.Count < WindowsToCompare)
        {
            return false;
        }

        var last = windows.Skip(windows.Count - WindowsToCompare).ToArray();
        return last.All(w => w.Succeeded > 0)
            && WithinTolerance(last.Select(w => w.Throughput))
            && WithinTolerance(last.Select(w => w.P99Ms));
    }

    public bool IsDone(IReadOnlyList<WindowSummary> windows) => IsStable(windows) || windows.Count >= MaxWindows;

    private bool WithinTolerance(IEnumerable<double> values)
    {
        var array = values.ToArray();
        var mean = array.Average();
        if (mean <= 0)
        {
            return array.All(v => v == 0);
        }

        return array.All(v => Math.Abs(v - mean) <= Tolerance * mean);
    }
}
