namespace InferenceBench;

/// <summary>Every sample of a run, tagged with its repetition; the analysis reads only this.</summary>
internal sealed class RunResults
{
    public List<(int Rep, OrtSample Sample)> Ort { get; } = [];

    public List<(int Rep, ServedSample Sample)> Worker { get; } = [];

    public List<(int Rep, H2loadSample Sample)> H2load { get; } = [];

    public List<(int Rep, ServedSample Sample)> Router { get; } = [];

    /// <summary>The router over its first member alone (<see cref="RouterConfig.OneMemberEnsemble"/>), concurrency 1.</summary>
    public List<(int Rep, ServedSample Sample)> RouterOne { get; } = [];

    /// <summary>Grpc.Net.Client alone against the worker at h2load's shape (<see cref="BareClientPeak"/>).</summary>
    public List<(int Rep, BareClientSample Sample)> BareClient { get; } = [];

    /// <summary>Every member's worker called at once at concurrency 1 by one client, no router, against the first alone (<see cref="DirectFanOut"/>).</summary>
    public List<(int Rep, DirectFanOutSample Sample)> DirectFanOut { get; } = [];

    /// <summary>CPU cost of the served parts: server processes' CPU time per request over a whole part (warm-up steps included).</summary>
    public List<(int Rep, CpuSample Sample)> Cpu { get; } = [];

    /// <summary>CPU per request of single LoadGen steps (one concurrency level), from the step's console edges.</summary>
    public List<(int Rep, StepCpuSample Sample)> StepCpu { get; } = [];

    /// <summary>Resident memory of the serving processes during a phase (the router's highest-concurrency step, the open loop).</summary>
    public List<(int Rep, RssSample Sample)> Rss { get; } = [];

    /// <summary>Open-loop (Poisson) steps against the router, one per shadow setting and repetition.</summary>
    public List<(int Rep, OpenLoopSample Sample)> OpenLoop { get; } = [];

    /// <summary>The warm-up rounds before the first repetition, per process (whether it settled: <see cref="SteadyWarmup.IsSteady"/> of its rounds).</summary>
    public List<WarmupRound> Warmup { get; } = [];

    /// <summary>Things the reader must know: failures, skipped parts, checks.</summary>
    public List<string> Notes { get; } = [];

    public List<string> Checks { get; } = [];

    public string? RouterSkipped { get; set; }

    public int RepsDone { get; set; }
}

/// <summary>
/// CPU time of the serving processes over one part of a repetition, divided by the requests the first member's
/// worker counted (ModelStatistics) meanwhile. Parts: worker-loadgen, worker-h2load, router-path (router + every
/// worker), router-only.
/// </summary>
internal sealed record CpuSample(string Part, double CpuUsPerRequest, ulong Requests, double CpuSeconds);

/// <summary>
/// CPU time of a group of serving processes over one LoadGen step (warm-up included) per request the first member's
/// worker counted in it. Parts: worker (the worker alone under LoadGen), router-only, router-path (router + workers).
/// </summary>
internal sealed record StepCpuSample(string Part, int Concurrency, double CpuUsPerRequest, ulong Requests, double CpuSeconds, double Seconds);

/// <summary>Max VmRSS sampled from /proc during a phase, and VmHWM (the process's lifetime peak) at its end, in kB.</summary>
internal sealed record RssSample(string Process, string Phase, long MaxRssKb, long HwmKb, int Samples);

/// <summary>One open-loop step: the shadow setting, the target rate, LoadGen's figures, and the shadow's counters over the step.</summary>
internal sealed record OpenLoopSample(string Setting, string Kind, int Percent, double Rate, ServedSample Served, IReadOnlyDictionary<string, ulong>? Shadow);

/// <summary>
/// One warm-up round: its load's throughput, the warmed process's CPU per answered request, and the largest share of
/// the round's wall time that the tiered-compilation thread of a watched process (the warmed one and, for the router,
/// the workers behind it) was on a CPU.
/// </summary>
internal sealed record WarmupRound(string Process, int Round, double RequestsPerSecond, double CpuUsPerRequest, double JitShare);
