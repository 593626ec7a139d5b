using System.Globalization;

namespace InferenceBench;

/// <summary>The driver's switches; defaults are bench/inference.sh's part 1 (2 threads, batch 1 and 8/16/32/64).</summary>
internal sealed class OrtCompareOptions
{
    public string Label { get; private set; } = "new";

    public int Rep { get; private set; } = 1;

    public string Root { get; private set; } = Directory.GetCurrentDirectory();

    public string[] Models { get; private set; } = ["mnist_cnn_1"];

    public int[] Batches { get; private set; } = [8, 16, 32, 64];

    public int Threads { get; private set; } = 2;

    public double Seconds { get; private set; } = 1.0;

    public double WarmupSeconds { get; private set; } = 0.3;

    public string Device { get; private set; } = "cpu";

    public string? TablePath { get; private set; }

    public string Baseline { get; private set; } = "old";

    public string Candidate { get; private set; } = "new";

    public static OrtCompareOptions Parse(string[] args)
    {
        var o = new OrtCompareOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            double D() => double.Parse(Next(), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--label": o.Label = Next(); break;
                case "--rep": o.Rep = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--root": o.Root = Path.GetFullPath(Next()); break;
                case "--models": o.Models = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                case "--batches": o.Batches = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(b => int.Parse(b, CultureInfo.InvariantCulture))]; break;
                case "--threads": o.Threads = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--seconds": o.Seconds = D(); break;
                case "--warmup": o.WarmupSeconds = D(); break;
                case "--device": o.Device = Next().Trim().ToLowerInvariant(); break;
                case "--table": o.TablePath = Next(); break;
                case "--baseline": o.Baseline = Next(); break;
                case "--candidate": o.Candidate = Next(); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        return o;
    }
}
