using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Ensemble.Strategies.Best;
using EnsembleGrpc.Router.Ensemble.Strategies.Boosting;
using EnsembleGrpc.Router.Ensemble.Strategies.Stacking;
using EnsembleGrpc.Router.Tests.Experiments;
using EnsembleGrpc.Router.Tests.Support;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Router.Tests.Configuration;

public sealed class RoutingConfigProviderTests : IDisposable
{
    private const string Good = """
        { "model_repository": "repo",
          "ensembles": [ { "name": "mnist",
            "members": [ { "name": "a", "endpoints": ["http://127.0.0.1:8001"] }, { "name": "b", "endpoints": ["http://127.0.0.1:8002"] } ],
            "arms": [ { "name": "bag", "strategy": "bagging", "weight": 70 }, { "name": "boost", "strategy": "boosting", "weight": 30 },
                      { "name": "best", "strategy": "best", "weight": 0 },
                      { "name": "stack", "strategy": "stacking", "weight": 0, "parameters": { "meta_model": "meta" } } ] } ] }
        """;

    private readonly TestFiles _files = new();
    private readonly FakeMetaModel _meta = new((input, batch, width) => new float[batch * 10]);
    private readonly CapturingLoggerProvider _logs = new();

    public RoutingConfigProviderTests()
    {
        // A tiny model repository: metrics for the members, a meta-model with its member order.
        _files.Write("repo/a/config.json", """{ "training": { "validation_error": 0.03, "validation_accuracy": 0.97 } }""");
        _files.Write("repo/b/config.json", """{ "training": { "validation_error": 0.05, "validation_accuracy": 0.95 } }""");
        _files.Write("repo/meta/config.json", """{ "inputs": [ { "name": "member_probabilities" } ], "members": ["b", "a"] }""");
        _files.Write("repo/meta/1/model.onnx", "not really onnx: the loader is fake");
    }

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Startup_loads_defaults_metrics_samme_weights_best_member_and_meta_model()
    {
        var provider = Create(_files.Write("routing.json", Good));
        var ensemble = provider.Current.Ensembles["mnist"];

        Assert.Equal(1, provider.Current.Version);
        Assert.Equal(1, ensemble.Quorum);
        Assert.Equal(TimeSpan.FromMilliseconds(1000), ensemble.Timeout);
        Assert.Equal(0.03, ensemble.Members[0].ValidationError);
        var boost = Assert.IsType<BoostingParameters>(ensemble.FindArm("boost")!.Parameters);
        double alphaA = Math.Log(0.97 / 0.03) + Math.Log(9);
        double alphaB = Math.Log(0.95 / 0.05) + Math.Log(9);
        Assert.Equal(alphaA / (alphaA + alphaB), boost.Weights[0], 12);
        Assert.Equal(alphaB / (alphaA + alphaB), boost.Weights[1], 12);
        Assert.Equal("a", Assert.IsType<BestParameters>(ensemble.FindArm("best")!.Parameters).Member);
        Assert.Equal(["b", "a"], Assert.IsType<StackingParameters>(ensemble.FindArm("stack")!.Parameters).MemberOrder);
        Assert.EndsWith(Path.Combine("meta", "1", "model.onnx"), Assert.Single(_meta.Loaded));
    }

    [Fact]
    public void Bad_startup_config_throws_listing_every_problem()
    {
        string path = _files.Write("routing.json", """
            { "ensembles": [ { "name": "mnist", "quorum": 0,
                "members": [ { "name": "a", "endpoints": ["ftp://x"] } ],
                "arms": [ { "name": "bag", "strategy": "nope", "weight": 0 } ] } ] }
            """);

        var ex = Assert.Throws<RoutingConfigException>(() => Create(path));

        Assert.Equal(4, ex.Errors.Count);
        Assert.Contains("4 problem(s)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("quorum", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ftp://x", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'nope'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolution_problems_are_collected_too()
    {
        // Metrics and the meta-model are missing from the repository: each arm that needs them says so.
        string path = _files.Write("routing.json", Good.Replace("\"repo\"", "\"empty-repo\"", StringComparison.Ordinal));

        var ex = Assert.Throws<RoutingConfigException>(() => Create(path));

        Assert.Contains(ex.Errors, e => e.Contains("arms[1]: boosting needs", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("arms[2]: best needs", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("arms[3].parameters.meta_model", StringComparison.Ordinal));
    }

    [Fact]
    public void Bad_reload_keeps_the_last_good_config_and_a_good_one_swaps()
    {
        string path = _files.Write("routing.json", Good);
        var provider = Create(path);
        var first = provider.Current;
        var changes = new List<RouterModel>();
        provider.Changed += changes.Add;

        File.WriteAllText(path, Good.Replace("\"weight\": 70", "\"weight\": -5", StringComparison.Ordinal));
        Assert.False(provider.TryReload(out var errors));
        Assert.Contains(errors, e => e.Contains("weight: must be 0 or more", StringComparison.Ordinal));
        Assert.Same(first, provider.Current);

        File.WriteAllText(path, "{ not json");
        Assert.False(provider.TryReload(out errors));
        Assert.StartsWith("invalid JSON", Assert.Single(errors), StringComparison.Ordinal);
        Assert.Same(first, provider.Current);

        File.WriteAllText(path, Good.Replace("\"weight\": 70", "\"weight\": 50", StringComparison.Ordinal));
        Assert.True(provider.TryReload());
        Assert.Equal(2, provider.Current.Version);
        Assert.Equal(50, provider.Current.Ensembles["mnist"].FindArm("bag")!.Weight);
        Assert.Same(provider.Current, Assert.Single(changes));

        // The same text again is not a new version (file watchers fire several events per save).
        Assert.False(provider.TryReload());
        Assert.Equal(2, provider.Current.Version);
    }

    [Fact]
    public void A_file_that_cannot_be_read_keeps_the_last_good_config_and_logs_why()
    {
        string path = _files.Write("routing.json", Good);
        var provider = Create(path);
        var first = provider.Current;

        File.Delete(path);
        Assert.False(provider.TryReload(out var missing));

        // A directory where the file was: UnauthorizedAccessException on read, not an IOException.
        Directory.CreateDirectory(path);
        Assert.False(provider.TryReload(out var directory));

        Assert.StartsWith("cannot read the file: ", Assert.Single(missing), StringComparison.Ordinal);
        Assert.StartsWith("cannot read the file: ", Assert.Single(directory), StringComparison.Ordinal);
        Assert.Same(first, provider.Current);
        var rejected = _logs.Entries.Where(e => e.EventName == "ConfigReloadRejected").ToArray();
        Assert.Equal(2, rejected.Length);
        Assert.All(rejected, e => Assert.Contains("the last good version keeps serving", e.Message, StringComparison.Ordinal));

        Directory.Delete(path);
        File.WriteAllText(path, Good.Replace("\"weight\": 70", "\"weight\": 60", StringComparison.Ordinal));
        Assert.True(provider.TryReload());
        Assert.Equal(2, provider.Current.Version);
    }

    [Fact]
    public void A_meta_model_loader_that_throws_on_reload_keeps_the_last_good_config()
    {
        string path = _files.Write("routing.json", Good);
        bool broken = false;
        var loader = new SwitchableLoader(() => broken);
        var provider = Create(path, loader);
        var first = provider.Current;

        broken = true;
        File.WriteAllText(path, Good.Replace("\"weight\": 70", "\"weight\": 60", StringComparison.Ordinal));
        Assert.False(provider.TryReload(out var errors));

        Assert.Contains(errors, e => e.Contains("cannot be loaded: onnx runtime exploded", StringComparison.Ordinal));
        Assert.Same(first, provider.Current);
        Assert.Contains(_logs.Entries, e => e.EventName == "ConfigReloadRejected" && e.Message.Contains("onnx runtime exploded", StringComparison.Ordinal));

        // Fixed: the same file text is tried again (a failed build is not remembered as loaded).
        broken = false;
        Assert.True(provider.TryReload());
    }

    [Fact]
    public void Anything_that_throws_while_building_keeps_the_last_good_config_and_is_logged_with_the_exception()
    {
        string path = _files.Write("routing.json", Good);
        var provider = Create(path);
        var first = provider.Current;

        // A NUL character in the repository path: valid JSON that no validator checks, and the path API throws an
        // ArgumentException that nobody catches on the way up.
        File.WriteAllText(path, Good.Replace("\"repo\"", "\"re\\u0000po\"", StringComparison.Ordinal));
        Assert.False(provider.TryReload(out var errors));

        Assert.StartsWith("building the configuration failed: ", Assert.Single(errors), StringComparison.Ordinal);
        Assert.Same(first, provider.Current);
        Assert.Contains(_logs.Entries, e => e.EventName == "ConfigBuildFailed" && e.Level == LogLevel.Error);
        Assert.Contains(_logs.Entries, e => e.EventName == "ConfigReloadRejected");
    }

    [Fact]
    public void A_change_handler_that_throws_neither_undoes_the_swap_nor_stops_the_other_handlers()
    {
        string path = _files.Write("routing.json", Good);
        var provider = Create(path);
        var seen = new List<long>();
        provider.Changed += _ => throw new InvalidOperationException("handler bug");
        provider.Changed += model => seen.Add(model.Version);

        File.WriteAllText(path, Good.Replace("\"weight\": 70", "\"weight\": 60", StringComparison.Ordinal));

        Assert.True(provider.TryReload());
        Assert.Equal([2L], seen);
        Assert.Equal(2, provider.Current.Version);
        Assert.Contains(_logs.Entries, e => e.EventName == "ConfigChangeHandlerFailed");
    }

    [Fact]
    public void A_startup_build_that_throws_is_a_config_error_with_the_reason()
    {
        string path = _files.Write("routing.json", Good.Replace("\"repo\"", "\"re\\u0000po\"", StringComparison.Ordinal));

        var ex = Assert.Throws<RoutingConfigException>(() => Create(path));

        Assert.StartsWith("building the configuration failed: ", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    private RoutingConfigProvider Create(string path, IMetaModelLoader? loader = null) =>
        new(
            path,
            TestBuilders.ModelBuilder(loader ?? _meta),
            TimeProvider.System,
            new Logger<RoutingConfigProvider>(new LoggerFactory([_logs])));

    private sealed class SwitchableLoader(Func<bool> broken) : IMetaModelLoader
    {
        private readonly FakeMetaModel _meta = new((input, batch, width) => new float[batch * 10]);

        public IMetaModel Load(string modelPath, string inputName, string outputName) =>
            broken() ? throw new InvalidOperationException("onnx runtime exploded") : _meta.Load(modelPath, inputName, outputName);
    }
}
