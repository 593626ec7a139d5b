using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Ensemble;

namespace EnsembleGrpc.Router.Tests.Configuration;

public sealed class PartialAfterConfigTests
{
    private readonly RoutingConfigValidator _validator = new(AggregationStrategies.CreateDefault());

    [Theory]
    [InlineData(0, 1000)]
    [InlineData(1000, 1000)]
    [InlineData(1500, null)]
    public void Partial_after_ms_must_be_positive_and_below_the_timeout(int partial, int? timeout)
    {
        var errors = _validator.Validate(Config(partial, timeout));

        string error = Assert.Single(errors);
        Assert.Equal($"ensembles[0].partial_after_ms: must be at least 1 and below timeout_ms ({timeout ?? 1000}); got {partial}.", error);
    }

    [Fact]
    public void A_valid_partial_after_ms_is_accepted()
    {
        Assert.Empty(_validator.Validate(Config(30, 1000)));
    }

    private static RoutingConfig Config(int partial, int? timeout) => RoutingConfigValidatorTests.Parse($$"""
        { "ensembles": [ { "name": "mnist", "quorum": 2, "partial_after_ms": {{partial}}{{(timeout is { } t ? $", \"timeout_ms\": {t}" : "")}},
            "members": [ { "name": "a", "endpoints": ["http://127.0.0.1:8001"] }, { "name": "b", "endpoints": ["http://127.0.0.1:8002"] }, { "name": "c", "endpoints": ["http://127.0.0.1:8003"] } ],
            "arms": [ { "name": "bag", "strategy": "bagging", "weight": 1 } ] } ] }
        """);
}
