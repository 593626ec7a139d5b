using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Rollouts;
using EnsembleGrpc.Router.Rollouts.Persistence;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Router.Tests.Traffic;
using EnsembleGrpc.Router.Traffic;
using EnsembleGrpc.Router.Traffic.Assignment;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EnsembleGrpc.Router.Tests.Rollouts;

/// <summary>
/// A rollout controller over a real split state, real arm counters and a SQLite rollout store in a temporary file,
/// with a fake clock: traffic is recorded into the counters the way the router records it, and ticks are called
/// by the test.
/// </summary>
internal sealed class RolloutHarness : IDisposable
{
    private readonly TestFiles _files = new();

    public RolloutHarness()
    {
        Splits = new SplitFixture(null, ("control", 100), ("candidate", 0), ("other", 0));
        StorePath = Path.Combine(_files.Directory, "rollouts.db");
        Restart();
    }

    public SplitFixture Splits { get; }

    public string StorePath { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero));

    public TrafficStatistics Statistics { get; private set; } = new();

    public SqliteRolloutStore Store { get; private set; } = null!;

    public RolloutController Controller { get; private set; } = null!;

    public static CanaryConfig Canary(int minSamples = 200, int minStepSeconds = 60, IReadOnlyList<int>? steps = null, CanaryGuardrailsConfig? guardrails = null) => new()
    {
        Baseline = "control",
        Candidate = "candidate",
        Steps = steps ?? [5, 10, 25, 50, 100],
        MinSamples = minSamples,
        MinStepSeconds = minStepSeconds,
        Guardrails = guardrails,
    };

    /// <summary>A new process: fresh counters (feedback totals would be restored by the experiment store), a new store connection and controller.</summary>
    public void Restart()
    {
        Store?.Dispose();
        Statistics = new TrafficStatistics();
        Store = new SqliteRolloutStore(StorePath);
        Controller = new RolloutController(Splits.Provider, Splits.State, new CounterReader(Statistics, Splits.Provider), Store, Time, new Random(42), NullLogger<RolloutController>.Instance);
    }

    /// <summary>Requests on each arm; every <paramref name="candidateErrorEvery"/>-th candidate request fails (0: none).</summary>
    public void Traffic(int baseline, int candidate, int candidateErrorEvery = 0, double latencyMs = 12)
    {
        for (int i = 0; i < baseline; i++)
        {
            Statistics.Arm("mnist", "control").RecordRequest(TimeSpan.FromMilliseconds(latencyMs), false, null);
        }

        for (int i = 1; i <= candidate; i++)
        {
            Statistics.Arm("mnist", "candidate").RecordRequest(TimeSpan.FromMilliseconds(latencyMs), candidateErrorEvery > 0 && i % candidateErrorEvery == 0, null);
        }
    }

    /// <summary>Traffic in the rollout's current proportions (total requests per tick), a minute later, then a tick.</summary>
    public IReadOnlyList<RolloutDecision> Minute(int total = 4000, int candidateErrorEvery = 0)
    {
        int percent = Controller.Get("mnist")!.State.CandidatePercent;
        Traffic(total * (100 - percent) / 100, total * percent / 100, candidateErrorEvery);
        Time.Advance(TimeSpan.FromMinutes(1));
        return Controller.Tick();
    }

    public IReadOnlyDictionary<string, int> Weights() => EffectiveConfig.Weights(Splits.Ensemble, Splits.State.Table);

    public void Dispose()
    {
        Store.Dispose();
        Splits.Dispose();
        _files.Dispose();
    }
}
