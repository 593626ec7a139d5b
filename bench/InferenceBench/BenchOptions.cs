using System.Globalization;

namespace InferenceBench;

/// <summary>The benchmark's settings: defaults for the full run (~9-11 min on 2 busy cores), <c>--quick</c> for ~3 min.</summary>
internal sealed class BenchOptions
{
    public const string Usage = """
        usage: bash bench/inference.sh [options]
          --quick                  shorter windows and fewer levels (about 3 minutes after the build)
          --reps N                 repetitions of every measurement; medians are reported (default 5; quick 3)
          --models LIST            member models (default mnist_cnn_1,mnist_cnn_2,mnist_cnn_3); the first is the "one worker"
          --ort-seconds S          length of one in-process ONNX Runtime measurement (default 1.0; quick 0.4)
          --ort-batches LIST       batch sizes swept for the best batch (default 8,16,32,64)
          --ort-threads N          threads calling Run concurrently on one session (default 2; intra-op threads 1)
          --device D               where the in-process sessions run: cpu (default), cuda or cuda:N (fails when CUDA cannot load)
          --worker-levels LIST     LoadGen concurrency levels against one worker (default 1,8,32,64)
          --router-levels LIST     LoadGen concurrency levels against the router (default 1,8,32,64; quick 1,32)
          --warmup S               LoadGen warm-up per step (default 1.0; quick 0.5)
          --server-warmup S        one round of unmeasured load on the worker, then the router, before the first repetition;
                                   rounds repeat until one in which the process's tiered-compilation thread (and, for the
                                   router, each worker's) was on a CPU for at most 2% of the round (default 4; quick 2)
          --server-warmup-max S    the rounds of one process stop here, steady or not (default 90; quick 40)
          --window S               LoadGen measurement window (default 1.0; quick 0.5)
          --max-windows N          LoadGen windows per step at most (default 4; quick 3)
          --connections N          LoadGen HTTP/2 connections (default 4: LoadGen's default)
          --h2load-seconds S       target length of one h2load repetition (default 2; quick 1)
          --direct-seconds S       the workers called directly (first alone / all at once, alternating), c=1 (default 4; quick 2)
          --h2load-conns LIST      h2load client connections, each with --h2load-streams streams (default 2)
          --h2load-streams N       h2load max concurrent streams per connection (-m, default 32)
          --open-share X           open-loop rate as a share of the router's best closed-loop requests/s of the same repetition (default 0.5)
          --open-window S          LoadGen measurement window of the open-loop steps (default 1.0; quick 0.5)
          --shadow-kinds LIST      shadow arms measured at the open-loop rate: vote (the primary's members, strategy vote) and
                                   members (other member entries on the same workers, strategy bagging) (default vote,members)
          --shadow-percents LIST   shadow sampling percentages (default 10,100)
          --skip-open-loop         do not run the open-loop part (goals 5 and 6 read n/a)
          --rss-interval-ms N      VmRSS sampling interval of the router and workers (default 100)
          --skip-router REASON     do not run the router part (REASON is printed)
          --skip-h2load            do not run h2load
          --out DIR                where the JSON and LoadGen reports go (default artifacts/bench)
          --pid-file FILE          append the id of every process started (bench/inference.sh kills them on exit)
          --repo-root DIR          repository root (default: the current directory)
        """;

    public bool Help { get; private set; }

    public bool Quick { get; private set; }

    public int Reps { get; private set; } = 5;

    public string[] Models { get; private set; } = ["mnist_cnn_1", "mnist_cnn_2", "mnist_cnn_3"];

    public double OrtSeconds { get; private set; } = 1.0;

    public int[] OrtBatches { get; private set; } = [8, 16, 32, 64];

    public int OrtThreads { get; private set; } = 2;

    /// <summary>Device of the in-process sessions (part 1): cpu, cuda or cuda:N; the served worker keeps its own default.</summary>
    public string Device { get; private set; } = "cpu";

    public int[] WorkerLevels { get; private set; } = [1, 8, 32, 64];

    public int[] RouterLevels { get; private set; } = [1, 8, 32, 64];

    public double WarmupSeconds { get; private set; } = 1.0;

    /// <summary>
    /// One round of unmeasured load on the worker and the router before the first repetition; rounds go on until the
    /// process's tiered JIT is quiet (<see cref="SteadyWarmup"/>) or <see cref="ServerWarmupMaxSeconds"/>.
    /// </summary>
    public double ServerWarmupSeconds { get; private set; } = 4.0;

    /// <summary>The warm-up rounds of one process stop here even if its tiered JIT is still busy (the report says so).</summary>
    public double ServerWarmupMaxSeconds { get; private set; } = 90.0;

    public double WindowSeconds { get; private set; } = 1.0;

    public int MaxWindows { get; private set; } = 4;

    public int Connections { get; private set; } = 4;

    public double H2loadSeconds { get; private set; } = 2.0;

    /// <summary>Measured length of the direct fan-out part (<see cref="DirectFanOut"/>), both kinds of call together.</summary>
    public double DirectFanOutSeconds { get; private set; } = 4.0;

    public int[] H2loadConns { get; private set; } = [2];

    public int H2loadStreams { get; private set; } = 32;

    /// <summary>Open-loop rate = this × the router's best closed-loop requests/s of the same repetition.</summary>
    public double OpenShare { get; private set; } = 0.5;

    public double OpenWindowSeconds { get; private set; } = 1.0;

    public string[] ShadowKinds { get; private set; } = [ShadowSetting.SameMembersKind, ShadowSetting.OtherMembersKind];

    public int[] ShadowPercents { get; private set; } = [10, 100];

    public bool SkipOpenLoop { get; private set; }

    public int RssIntervalMs { get; private set; } = 100;

    public string? SkipRouter { get; private set; }

    public bool SkipH2load { get; private set; }

    public string OutDir { get; private set; } = "artifacts/bench";

    public string? PidFile { get; private set; }

    public string RepoRoot { get; private set; } = Directory.GetCurrentDirectory();

    /// <summary>Concurrency levels at which the router's latency is compared with one worker's.</summary>
    public static readonly int[] OverheadLevels = [1, 32];

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        // --quick first, so explicit options given with it still win.
        if (args.Contains("--quick"))
        {
            o.Quick = true;
            o.Reps = 3;
            o.OrtSeconds = 0.4;
            o.OrtBatches = [8, 32, 64];
            o.RouterLevels = [1, 32];
            o.WarmupSeconds = 0.5;
            o.ServerWarmupSeconds = 2.0;
            o.ServerWarmupMaxSeconds = 40.0;
            o.WindowSeconds = 0.5;
            o.MaxWindows = 3;
            o.H2loadSeconds = 1.0;
            o.DirectFanOutSeconds = 2.0;
            o.OpenWindowSeconds = 0.5;
        }

        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            double D(double min, double max) => Math.Clamp(double.Parse(Next(), CultureInfo.InvariantCulture), min, max);
            int I(int min, int max) => Math.Clamp(int.Parse(Next(), CultureInfo.InvariantCulture), min, max);
            int[] List(int min, int max) => [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => Math.Clamp(int.Parse(s, CultureInfo.InvariantCulture), min, max)).Distinct()];
            switch (args[i])
            {
                case "-h" or "--help": o.Help = true; break;
                case "--quick": break;
                case "--reps": o.Reps = I(1, 20); break;
                case "--models": o.Models = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                case "--ort-seconds": o.OrtSeconds = D(0.1, 30); break;
                case "--ort-batches": o.OrtBatches = List(1, 1024); break;
                case "--ort-threads": o.OrtThreads = I(1, 64); break;
                case "--device": o.Device = Device(Next()); break;
                case "--worker-levels": o.WorkerLevels = List(1, 1024); break;
                case "--router-levels": o.RouterLevels = List(1, 1024); break;
                case "--warmup": o.WarmupSeconds = D(0, 30); break;
                case "--server-warmup": o.ServerWarmupSeconds = D(0.5, 60); break;
                case "--server-warmup-max": o.ServerWarmupMaxSeconds = D(0, 600); break;
                case "--window": o.WindowSeconds = D(0.1, 30); break;
                case "--max-windows": o.MaxWindows = I(3, 50); break;
                case "--connections": o.Connections = I(1, 64); break;
                case "--h2load-seconds": o.H2loadSeconds = D(0.2, 30); break;
                case "--direct-seconds": o.DirectFanOutSeconds = D(0.5, 60); break;
                case "--h2load-conns": o.H2loadConns = List(1, 64); break;
                case "--h2load-streams": o.H2loadStreams = I(1, 1024); break;
                case "--open-share": o.OpenShare = D(0.01, 2); break;
                case "--open-window": o.OpenWindowSeconds = D(0.1, 30); break;
                case "--shadow-kinds": o.ShadowKinds = ShadowKindList(Next()); break;
                case "--shadow-percents": o.ShadowPercents = List(1, 100); break;
                case "--skip-open-loop": o.SkipOpenLoop = true; break;
                case "--rss-interval-ms": o.RssIntervalMs = I(10, 10_000); break;
                case "--skip-router": o.SkipRouter = Next(); break;
                case "--skip-h2load": o.SkipH2load = true; break;
                case "--out": o.OutDir = Next(); break;
                case "--pid-file": o.PidFile = Next(); break;
                case "--repo-root": o.RepoRoot = Path.GetFullPath(Next()); break;
                default: throw new ArgumentException($"unknown option {args[i]}\n{Usage}");
            }
        }

        static string Device(string value) => value.Trim().ToLowerInvariant() is var d && (d == "cpu" || d == "cuda" || (d.StartsWith("cuda:", StringComparison.Ordinal) && uint.TryParse(d.AsSpan(5), out _)))
            ? d
            : throw new ArgumentException($"--device: '{value}' is not cpu, cuda or cuda:N");

        static string[] ShadowKindList(string value)
        {
            var kinds = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToArray();
            var unknown = kinds.Where(k => k is not (ShadowSetting.SameMembersKind or ShadowSetting.OtherMembersKind)).ToArray();
            return unknown.Length == 0 ? kinds
                : throw new ArgumentException($"--shadow-kinds: {string.Join(", ", unknown)} is not {ShadowSetting.SameMembersKind} or {ShadowSetting.OtherMembersKind}");
        }

        if (o.Models.Length == 0)
        {
            throw new ArgumentException("--models needs at least one model");
        }

        // The overhead comparison needs these levels on both sides; the CPU goal compares the router at its best level
        // with the worker at the same concurrency, so the worker runs every router level too.
        o.RouterLevels = [.. o.RouterLevels.Union(OverheadLevels).Order()];
        o.WorkerLevels = [.. o.WorkerLevels.Union(o.RouterLevels).Order()];
        return o;
    }
}
