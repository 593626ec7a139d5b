using System.Globalization;

namespace SoakDriver;

/// <summary>The driver's command line: <c>--target URL --model NAME --rate N --seconds N --router-pid N [--report-every-s N]</c>.</summary>
internal sealed record SoakOptions(Uri Target, string Model, double Rate, int Seconds, int RouterPid, int ReportEverySeconds, string Dataset)
{
    public static SoakOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i]] = args[i + 1];
        }

        string Get(string key, string? fallback = null) =>
            values.TryGetValue(key, out var v) ? v : fallback ?? throw new ArgumentException($"missing {key}");
        int Int(string key, string? fallback = null) => int.Parse(Get(key, fallback), CultureInfo.InvariantCulture);

        return new SoakOptions(new Uri(Get("--target")), Get("--model", "mnist"), double.Parse(Get("--rate", "40"), CultureInfo.InvariantCulture),
            Int("--seconds"), Int("--router-pid"), Int("--report-every-s", "60"), Get("--dataset", "models/data/mnist-test.bin"));
    }
}
