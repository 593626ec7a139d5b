using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Ensemble;

namespace EnsembleGrpc.Router.Tests.Configuration;

public sealed class RoutingConfigValidatorTests
{
    private readonly RoutingConfigValidator _validator = new(AggregationStrategies.CreateDefault());

    [Fact]
    public void Valid_config_has_no_errors()
    {
        var config = Parse("""
            { "ensembles": [ { "name": "mnist",
                "members": [ { "name": "a", "endpoints": ["http://127.0.0.1:8001"] }, { "name": "b", "endpoints": ["http://127.0.0.1:8002", "http://127.0.0.1:8012"] } ],
                "arms": [ { "name": "bag", "strategy": "bagging", "weight": 70 }, { "name": "boost", "strategy": "boosting", "weight": 30, "parameters": { "weights": { "a": 1, "b": 2 } } } ],
                "shadow": { "arm": "bag", "sample_percent": 5 } } ] }
            """);

        Assert.Empty(_validator.Validate(config));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var config = Parse("""
            { "typo_key": 1,
              "ensembles": [ { "name": "mnist", "quorum": 0, "timeout_ms": 0,
                "breaker": { "failure_ratio": 1.5, "minimum_throughput": 1, "sampling_duration_ms": 10, "break_duration_ms": 10 },
                "members": [ { "name": "a", "endpoints": ["not a url"], "validation_error": 2 }, { "name": "a", "endpoints": [] } ],
                "arms": [ { "name": "x", "strategy": "magic", "weight": -1, "wieght": 3 },
                          { "name": "x", "strategy": "stacking", "members": ["zz"] },
                          { "name": "y", "strategy": "bagging", "parameters": ["weights"] } ],
                "shadow": { "arm": "nope", "sample_percent": 150, "queue_capacity": 0 } } ] }
            """);

        var errors = _validator.Validate(config);

        string[] expected =
        [
            "typo_key: unknown key",
            "ensembles[0].quorum: must be at least 1",
            "ensembles[0].timeout_ms: must be at least 1",
            "ensembles[0].breaker.failure_ratio",
            "ensembles[0].breaker.minimum_throughput",
            "ensembles[0].breaker.sampling_duration_ms",
            "ensembles[0].breaker.break_duration_ms",
            "ensembles[0].members[0].endpoints[0]: 'not a url'",
            "ensembles[0].members[0].validation_error",
            "ensembles[0].members[1].name: 'a' appears twice",
            "ensembles[0].members[1].endpoints: at least one",
            "ensembles[0].arms[0].strategy: 'magic' is not one of bagging, boosting, stacking, vote, best.",
            "ensembles[0].arms[0].weight: must be 0 or more",
            "ensembles[0].arms[0].wieght: unknown key",
            "ensembles[0].arms[1].name: 'x' is used by another arm",
            "ensembles[0].arms[1].members: 'zz' is not a member",
            "ensembles[0].arms[2].parameters: must be an object; got array.",
            "ensembles[0].arms: the weights must sum to more than 0",
            "ensembles[0].shadow.arm: 'nope' is not an arm",
            "ensembles[0].shadow.sample_percent",
            "ensembles[0].shadow.queue_capacity",
        ];
        foreach (var fragment in expected)
        {
            Assert.True(errors.Any(e => e.Contains(fragment, StringComparison.Ordinal)), $"missing '{fragment}' in:\n{string.Join("\n", errors)}");
        }
    }

    [Fact]
    public void Strategy_parameters_are_left_to_the_strategy()
    {
        // The validator knows no strategy's keys: stacking's missing meta_model is reported when the arm is prepared.
        var config = Parse("""
            { "ensembles": [ { "name": "m",
                "members": [ { "name": "a", "endpoints": ["http://127.0.0.1:1"] } ],
                "arms": [ { "name": "stack", "strategy": "stacking", "weight": 1, "parameters": { "anything": 1 } } ] } ] }
            """);

        Assert.Empty(_validator.Validate(config));
    }

    [Fact]
    public void Missing_ensembles_is_an_error()
    {
        Assert.Contains(_validator.Validate(Parse("{}")), e => e.StartsWith("ensembles:", StringComparison.Ordinal));
    }

    [Fact]
    public void Quorum_above_an_arm_size_is_an_error()
    {
        var config = Parse("""
            { "ensembles": [ { "name": "m", "quorum": 2,
                "members": [ { "name": "a", "endpoints": ["http://127.0.0.1:1"] }, { "name": "b", "endpoints": ["http://127.0.0.1:2"] } ],
                "arms": [ { "name": "solo", "strategy": "bagging", "weight": 1, "members": ["a"] } ] } ] }
            """);

        Assert.Contains(_validator.Validate(config), e => e.Contains("quorum: 2 is more than the 1 members of arm 'solo'", StringComparison.Ordinal));
    }

    internal static RoutingConfig Parse(string json) => RoutingConfigJson.TryParse(json, out string? error) ?? throw new InvalidOperationException(error);
}
