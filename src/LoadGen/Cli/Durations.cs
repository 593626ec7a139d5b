using System.Globalization;

namespace EnsembleGrpc.LoadGen.Cli;

/// <summary>Parses durations written as 250us, 5ms, 1.5s, 2m (a bare number means seconds).</summary>
public static class Durations
{
    private static readonly (string Suffix, double Seconds)[] Units =
    [
        ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600),
    ];

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        foreach (var (suffix, seconds) in Units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) && TryNumber(text[..^suffix.Length], out var n))
            {
                value = TimeSpan.FromSeconds(n * seconds);
                return true;
            }
        }

        if (TryNumber(text, out var bare))
        {
            value = TimeSpan.FromSeconds(bare);
            return true;
        }

        return false;
    }

    public static string Format(TimeSpan value) => value.TotalSeconds >= 1
        ? value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s"
        : value.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + "ms";

    private static bool TryNumber(string text, out double value)
        => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && value >= 0 && double.IsFinite(value);
}
