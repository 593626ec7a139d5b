using System.Globalization;

namespace TransportBench;

/// <summary>Options of `run` and `compare`; every value has a documented default and is checked when parsed.</summary>
internal sealed class BenchOptions
{
    public const string Usage = """
        usage: TransportBench [run] [options]              Grpc.Net.Client, h2load and python grpcio -> Grpc.AspNetCore
               TransportBench compare --old-dll PATH [options]
                                                            old home-made layer vs grpc-dotnet, one interleaved run
               TransportBench server [--port N]             the server alone (started by the driver)
        options (both modes):
          --reps N               repetitions; medians reported (default 5 for run, 7 for compare; 1-50)
          --warmup-seconds S     warm-up of our client and server(s) before measuring (default 4; tiered JIT)
          --seq-seconds S        length of one sequential repetition (default 1)
          --conc-seconds S       length of one concurrent repetition (default 2)
          --concurrency N        calls in flight for the throughput runs (default 64; also h2load -m)
          --connections N        HTTP/2 connections of the client (GrpcChannelSet; default 1)
          --payload N            Echo payload bytes (default 16)
          --h2load-conns LIST    h2load client connections, e.g. 1,4 (default 1,4)
          --h2load-seconds S     target length of one h2load repetition (default 1.5)
          --skip-h2load
        run only:
          --skip-python
        compare only:
          --old-dll PATH         the old layer's bench/TransportBench/bin/Release/net10.0/TransportBench.dll (required)
          --old-warmup-seconds S warm-up inside each old-client repetition, a fresh process each time (default 3)
        """;

    public bool Help { get; private set; }

    public bool Compare { get; private init; }

    public int Reps { get; private set; }

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

    public string? OldDll { get; private set; }

    public double OldWarmupSeconds { get; private set; } = 3;

    /// <summary>Parses the options of one mode; an unknown option or a value out of range throws ArgumentException.</summary>
    public static BenchOptions Parse(string[] args, bool compare)
    {
        var o = new BenchOptions { Compare = compare, Reps = compare ? 7 : 5 };
        for (var i = 0; i < args.Length; i++)
        {
            var option = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{option} needs a value");
            double D(double min, double max) => InRange(option, double.Parse(Next(), CultureInfo.InvariantCulture), min, max);
            int I(int min, int max) => (int)InRange(option, int.Parse(Next(), CultureInfo.InvariantCulture), min, max);
            switch (option)
            {
                case "-h" or "--help": o.Help = true; break;
                case "--reps": o.Reps = I(1, 50); break;
                case "--warmup-seconds": o.WarmupSeconds = D(0, 60); break;
                case "--seq-seconds": o.SeqSeconds = D(0.1, 60); break;
                case "--conc-seconds": o.ConcSeconds = D(0.1, 60); break;
                case "--concurrency": o.Concurrency = I(1, 1024); break;
                case "--connections": o.Connections = I(1, 64); break;
                case "--payload": o.Payload = I(0, 1024 * 1024); break;
                case "--h2load-conns":
                    o.H2loadConns = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => (int)InRange(option, int.Parse(s, CultureInfo.InvariantCulture), 1, 16)).Distinct()];
                    break;
                case "--h2load-seconds": o.H2loadSeconds = D(0.2, 60); break;
                case "--skip-h2load": o.SkipH2load = true; break;
                case "--skip-python" when !compare: o.SkipPython = true; break;
                case "--old-dll" when compare: o.OldDll = Next(); break;
                case "--old-warmup-seconds" when compare: o.OldWarmupSeconds = D(0, 60); break;
                default: throw new ArgumentException($"unknown option {option}{(compare ? " for compare" : " for run")}");
            }
        }

        if (o.H2loadConns.Length == 0)
        {
            throw new ArgumentException("--h2load-conns needs at least one value");
        }

        if (compare && !o.Help && (o.OldDll is null || !File.Exists(o.OldDll)))
        {
            throw new ArgumentException($"compare needs --old-dll with the old bench's TransportBench.dll (got {o.OldDll ?? "none"})");
        }

        return o;
    }

    private static double InRange(string option, double value, double min, double max) =>
        value >= min && value <= max ? value : throw new ArgumentException($"{option} must be between {min} and {max} (was {value})");
}
