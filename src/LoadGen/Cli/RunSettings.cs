using EnsembleGrpc.LoadGen.Faults;
using EnsembleGrpc.LoadGen.Load;

namespace EnsembleGrpc.LoadGen.Cli;

/// <summary>A validated command line: what to run against what, how to measure it, where to write the report.</summary>
public sealed record RunSettings
{
    public required string Target { get; init; }

    public required string Model { get; init; }

    public string? ModelVersion { get; init; }

    public RunMode Mode { get; init; }

    public InputKind Input { get; init; } = InputKind.Dataset;

    public string DatasetPath { get; init; } = "models/data/mnist-test.bin";

    /// <summary>The input tensor's name; null: the model's only input (or "input"), from its metadata.</summary>
    public string? InputName { get; init; }

    public IReadOnlyList<long> InputShape { get; init; } = [1, 28, 28];

    /// <summary>The output with the class scores, when <see cref="OutputNameGiven"/>; null then means every output.</summary>
    public string? OutputName { get; init; }

    /// <summary>False: the output is picked from the model's metadata ("probabilities", or its only output).</summary>
    public bool OutputNameGiven { get; init; }

    public int BatchSize { get; init; } = 1;

    public string? Strategy { get; init; }

    public string? RoutingKeyPattern { get; init; }

    public long RoutingKeyCount { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; } = [];

    public IReadOnlyList<int> Concurrency { get; init; } = [1];

    public IReadOnlyList<double> Rates { get; init; } = [];

    public ArrivalKind Arrivals { get; init; } = ArrivalKind.Constant;

    public int Seed { get; init; } = 1;

    public TimeSpan? SearchP99 { get; init; }

    public int MaxOutstanding { get; init; } = 10_000;

    /// <summary>Closed loop: wait the server's retry pushback after a refusal (<c>--obey-pushback</c>).</summary>
    public bool ObeyPushback { get; init; }

    public TimeSpan LateThreshold { get; init; } = TimeSpan.FromMilliseconds(1);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(2);

    public double StabilityTolerance { get; init; } = 0.10;

    public int MaxWindows { get; init; } = 10;

    /// <summary>Bound on one step; null: warm-up + max windows × window × 2.</summary>
    public TimeSpan? MaxStepTime { get; init; }

    public int Connections { get; init; } = 4;

    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Where ModelStatistics are read; empty with <see cref="ServerStatistics"/> on means the target's model.</summary>
    public IReadOnlyList<StatisticsSource> ServerStatisticsTargets { get; init; } = [];

    public bool ServerStatistics { get; init; } = true;

    public FaultSettings? Fault { get; init; }

    /// <summary>Feedback mode: a SubmitFeedback with the true labels of every answered request.</summary>
    public bool Feedback { get; init; }

    /// <summary>The router's admin token for feedback (--admin-token or $ENSEMBLEGRPC_ADMIN_TOKEN).</summary>
    public string? AdminToken { get; init; }

    /// <summary>The rollout a run follows (--rollout); its mode is then <see cref="RunMode.Rollout"/>.</summary>
    public RolloutSettings? Rollout { get; init; }

    public string? OutputPrefix { get; init; }

    public bool Live { get; init; } = true;
}

public enum RunMode
{
    ConcurrencySweep,
    RateSweep,
    RateSearch,
    Fault,
    Rollout,
}

public enum InputKind
{
    Dataset,
    Random,
}

/// <summary>The fault scenario of a run.</summary>
public sealed record FaultSettings
{
    public required FaultPlan Plan { get; init; }

    public string WorkerName { get; init; } = "worker";

    public string? WorkerCommand { get; init; }

    public FaultAction Action { get; init; } = FaultAction.Pause;

    public string? BeginCommand { get; init; }

    public string? EndCommand { get; init; }

    public TimeSpan WorkerReadyTimeout { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>The rollout a run follows: one load level until the rollout finishes or the run's time is up.</summary>
public sealed record RolloutSettings
{
    public required string Ensemble { get; init; }

    /// <summary>How often the rollout's view is read (default 1 s).</summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The run ends here if the rollout has not finished (default 10 min).</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromMinutes(10);
}
