using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace EnsembleGrpc.Router.Tests.Configuration;

/// <summary>
/// The ensemble's batch limit against its members' max_batch_size (their config.json in the model repository): a
/// batch the router accepts is one every member's workers accept.
/// </summary>
public sealed class BatchLimitTests : IDisposable
{
    private readonly TestFiles _files = new();

    public BatchLimitTests()
    {
        _files.Write("repo/a/config.json", """{ "max_batch_size": 64 }""");
        _files.Write("repo/b/config.json", """{ "max_batch_size": 32 }""");
    }

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Left_out_the_limit_is_the_smallest_member_limit()
    {
        var ensemble = Create(Config(maxBatch: null)).Current.Ensembles["mnist"];

        Assert.Equal(32, ensemble.MaxBatchSize);
    }

    [Fact]
    public void A_limit_below_every_member_limit_is_kept()
    {
        Assert.Equal(16, Create(Config(maxBatch: 16)).Current.Ensembles["mnist"].MaxBatchSize);
    }

    [Fact]
    public void A_limit_above_a_member_limit_fails_the_load_naming_the_member()
    {
        var ex = Assert.Throws<RoutingConfigException>(() => Create(Config(maxBatch: 100)));

        Assert.Equal(
            "ensembles[0].max_batch_size: 100 exceeds the max_batch_size 32 of member 'b' (its config.json in the model repository); " +
            "use at most 32, or leave it out to use the smallest member limit.",
            Assert.Single(ex.Errors));
    }

    [Fact]
    public void Members_without_a_repository_config_leave_the_configured_limit_or_the_default()
    {
        string config = """
            { "model_repository": "repo", "ensembles": [ { "name": "mnist", "max_batch_size": 500,
                "members": [ { "name": "elsewhere", "endpoints": ["http://127.0.0.1:8001"] } ],
                "arms": [ { "name": "bag", "strategy": "bagging", "weight": 1 } ] } ] }
            """;

        Assert.Equal(500, Create(config).Current.Ensembles["mnist"].MaxBatchSize);
    }

    [Fact]
    public void The_bundled_models_limit_the_shipped_ensemble_to_their_max_batch_size()
    {
        // The shipped routing file leaves max_batch_size out; the members' config.json say 64.
        var provider = new RoutingConfigProvider(
            Path.Combine(RepoPaths.Root, "config", "routing.json"),
            TestBuilders.ModelBuilder(new FakeMetaModel((_, batch, _) => new float[batch * 10])),
            TimeProvider.System,
            NullLogger<RoutingConfigProvider>.Instance);

        Assert.Equal(64, provider.Current.Ensembles["mnist"].MaxBatchSize);
    }

    private static string Config(int? maxBatch) => $$"""
        { "model_repository": "repo", "ensembles": [ { "name": "mnist"{{(maxBatch is { } m ? $", \"max_batch_size\": {m}" : "")}},
            "members": [ { "name": "a", "endpoints": ["http://127.0.0.1:8001"] }, { "name": "b", "endpoints": ["http://127.0.0.1:8002"] } ],
            "arms": [ { "name": "bag", "strategy": "bagging", "weight": 1 } ] } ] }
        """;

    private RoutingConfigProvider Create(string json) =>
        new(_files.Write("routing.json", json), TestBuilders.ModelBuilder(new FakeMetaModel((_, batch, _) => new float[batch * 10])),
            TimeProvider.System, NullLogger<RoutingConfigProvider>.Instance);
}
