using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Experiments;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Tests.Experiments;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Router.Traffic.Assignment;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EnsembleGrpc.Router.Tests.Traffic;

/// <summary>
/// A routing file with one ensemble 'mnist' of bagging arms with the given weights, its provider, and the split state
/// over an experiment store (an in-memory SQLite one unless given), with the split state's log captured.
/// </summary>
internal sealed class SplitFixture : IDisposable
{
    private readonly TestFiles _files = new();
    private readonly string _path;

    public SplitFixture(IExperimentStore? store = null, params (string Name, int Weight)[] arms)
    {
        _path = _files.Write("routing.json", Config(arms, timeoutMs: 1000));
        Provider = new RoutingConfigProvider(
            _path,
            TestBuilders.ModelBuilder(new FakeMetaModel((_, batch, _) => new float[batch * 10])),
            Time,
            NullLogger<RoutingConfigProvider>.Instance);
        Store = store ?? new SqliteExperimentStore(ExperimentStatePaths.InMemory);
        State = Restart();
    }

    public static DateTimeOffset Now { get; } = new(2026, 12, 2, 23, 0, 0, TimeSpan.Zero);

    public FixedTime Time { get; } = new(Now);

    public RoutingConfigProvider Provider { get; }

    public IExperimentStore Store { get; }

    public TrafficSplitState State { get; private set; }

    public CapturingLoggerProvider Logs { get; private set; } = new();

    public EnsembleModel Ensemble => Provider.Current.Ensembles["mnist"];

    public WeightedSplitAssignment Assignment(Random random) => new(State, random);

    /// <summary>A new split state over the same provider and store, as a restarted router builds it.</summary>
    public TrafficSplitState Restart()
    {
        Logs = new CapturingLoggerProvider();
        State = new TrafficSplitState(Provider, Store, Time, new Logger<TrafficSplitState>(new LoggerFactory([Logs])));
        return State;
    }

    /// <summary>Writes the file with these arms (and timeout) and reloads it.</summary>
    public void Rewrite((string Name, int Weight)[] arms, int timeoutMs = 1000, string? bandit = null)
    {
        File.WriteAllText(_path, Config(arms, timeoutMs, bandit));
        Assert.True(Provider.TryReload(out var errors), string.Join(" | ", errors));
    }

    public SplitChangeResult Set(params (string Name, int Weight)[] weights) =>
        State.TrySet("mnist", weights.ToDictionary(w => w.Name, w => w.Weight));

    public void Dispose()
    {
        (Store as IDisposable)?.Dispose();
        _files.Dispose();
    }

    private static string Config((string Name, int Weight)[] arms, int timeoutMs, string? bandit = null) => $$"""
        { "model_repository": "repo",
          "ensembles": [ { "name": "mnist", "timeout_ms": {{timeoutMs}},{{(bandit is null ? "" : $" \"bandit\": {bandit},")}}
            "members": [ { "name": "a", "endpoints": ["http://127.0.0.1:8001"] }, { "name": "b", "endpoints": ["http://127.0.0.1:8002"] } ],
            "arms": [ {{string.Join(", ", arms.Select(a => $$"""{ "name": "{{a.Name}}", "strategy": "bagging", "weight": {{a.Weight}} }"""))}} ] } ] }
        """;

    internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
