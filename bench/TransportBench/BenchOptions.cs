using System.Globalization;

namespace TransportBench;

internal sealed class BenchOptions
{
    public const string Usage = """
        usage: TransportBench [run] [options]
          --reps N               repetitions per measurement; the median is reported (default 5)
          --warmup-seconds S     warm-up of our client and server before measuring (default 4; tiered JIT)
          --seq-seconds S        length of one sequential repetition (default 1)
          --conc-seconds S       length of one concurrent repetition (default 2)
          --concurrency N        calls in flight for the throughput runs (default 64)
          --connections N        HTTP/2 connections of our client channel (default 1)
          --payload N            Echo payload bytes (default 16)
          --h2load-conns LIST    h2load client connections to try, e.g. 1,4 (default 1,4); -m is --concurrency
          --h2load-seconds S     target length of one h2load repetition (default 1.5)
          --skip-h2load, --skip-python
        """;

    public bool Help { get; private set; }

    public int Reps { get; private set; } = 5;

    public double WarmupSeconds { get; private set; } = 4;

    public double SeqSeconds { get; private set; } = 1;

    public double ConcSeconds { get; private set; } = 2;

    public int Concurrency { get; private set; } = 64;

    public int Connections { get; private set; } = 1;

    public int Payload { get; private set; } = 16;

    public int[] H2loadConns { get; private set; } = [1, 4];

    public double H2loadSeconds { get; private set; } = 1.5;

    public bool SkipH2load { get; private set; }

    public bool SkipPython { get; private set; }

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            double D() => double.Parse(Next(), CultureInfo.InvariantCulture);
            int I() => int.Parse(Next(), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "-h" or "--help": o.Help = true; break;
                case "--reps": o.Reps = Math.Clamp(I(), 1, 50); break;
                case "--warmup-seconds": o.WarmupSeconds = Math.Clamp(D(), 0, 60); break;
                case "--seq-seconds": o.SeqSeconds = Math.Clamp(D(), 0.1, 60); break;
                case "--conc-seconds": o.ConcSeconds = Math.Clamp(D(), 0.1, 60); break;
                case "--concurrency": o.Concurrency = Math.Clamp(I(), 1, 1024); break;
                case "--connections": o.Connections = Math.Clamp(I(), 1, 64); break;
                case "--payload": o.Payload = Math.Clamp(I(), 0, 1024 * 1024); break;
                case "--h2load-conns":
                    o.H2loadConns = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => Math.Clamp(int.Parse(s, CultureInfo.InvariantCulture), 1, 16))];
                    break;
                case "--h2load-seconds": o.H2loadSeconds = Math.Clamp(D(), 0.2, 60); break;
                case "--skip-h2load": o.SkipH2load = true; break;
                case "--skip-python": o.SkipPython = true; break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        return o;
    }
}
