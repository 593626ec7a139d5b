using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Rollouts;

namespace EnsembleGrpc.Router.Tests.Rollouts;

public sealed class CanaryConfigValidationTests
{
    private readonly RoutingConfigValidator _validator = new(AggregationStrategies.CreateDefault());

    [Fact]
    public void A_valid_canary_has_no_errors_and_takes_the_documented_defaults()
    {
        var config = Parse("""{ "baseline": "bag", "candidate": "vote", "guardrails": { "disabled": ["agreement"] } }""");

        Assert.Empty(_validator.Validate(config));
        var spec = RolloutSpec.From(config.Ensembles![0].Canary!);
        Assert.Equal([5, 10, 25, 50, 100], spec.Steps);
        Assert.Equal((TimeSpan.FromSeconds(60), 200, true, 0.05, 0.02), (spec.MinStepDuration, spec.MinSamples, spec.Sequential, spec.Alpha, spec.Tau));
        Assert.Equal((0.005, 0.01, 200.0, 0.2, 0.005), (spec.ErrorRateMargin, spec.FallbackRateMargin, spec.LatencyP95Ms, spec.LatencyRelativeMargin, spec.AccuracyDelta));
        Assert.Null(spec.AgreementFloor);
        Assert.Equal(5, spec.GuardrailCount);
    }

    [Fact]
    public void Every_canary_problem_is_reported_at_once_with_its_path()
    {
        var config = Parse("""
            { "baseline": "bag", "candidate": "bag", "steps": [100, 50], "min_samples": 0, "test": "bayes", "alpha": 0.7, "tau": 0, "typo": 1,
              "guardrails": { "accuracy_delta": -0.1, "latency_p95_ms": 0, "disabled": ["speed"] } }
            """);

        var errors = _validator.Validate(config);

        string[] expected =
        [
            "ensembles[0].canary.typo: unknown key.",
            "ensembles[0].canary.candidate: must not be the baseline arm.",
            "ensembles[0].canary.steps[0]: the first step must be below 100 (the candidate is compared with a baseline that still gets traffic).",
            "ensembles[0].canary.steps[1]: steps must increase; 50 follows 100.",
            "ensembles[0].canary.min_samples: must be at least 1; got 0.",
            "ensembles[0].canary.test: must be \"sequential\" or \"fixed\"; got \"bayes\".",
            "ensembles[0].canary.alpha: must be above 0 and below 0.5; got 0.7.",
            "ensembles[0].canary.tau: must be above 0 and below 1; got 0.",
            "ensembles[0].canary.guardrails.accuracy_delta: must be 0 or more and below 1; got -0.1.",
            "ensembles[0].canary.guardrails.latency_p95_ms: must be above 0; got 0.",
            "ensembles[0].canary.guardrails.disabled: unknown guardrail 'speed'; guardrails: error_rate, fallback_rate, latency, accuracy, agreement.",
        ];
        Assert.Equal(expected, errors);
    }

    [Fact]
    public void A_bandit_is_checked_and_refused_beside_a_canary()
    {
        var config = Parse("""{ "baseline": "bag", "candidate": "vote" }, "bandit": { "min_share": 0.5, "max_step": 0, "min_rows_per_arm": -1 }""");

        string[] expected =
        [
            "ensembles[0].bandit: an ensemble has a bandit or a canary, not both (each owns the split).",
            "ensembles[0].bandit.min_share: must be 0 or more and below 1/2 (one share per arm); got 0.5.",
            "ensembles[0].bandit.max_step: must be above 0 and at most 1; got 0.",
            "ensembles[0].bandit.min_rows_per_arm: must be 0 or more; got -1.",
        ];
        Assert.Equal(expected, _validator.Validate(config));
    }

    private static RoutingConfig Parse(string canary) => RoutingConfigJson.TryParse($$"""
        { "ensembles": [ { "name": "mnist",
            "members": [ { "name": "a", "endpoints": ["http://127.0.0.1:8001"] } ],
            "arms": [ { "name": "bag", "strategy": "bagging", "weight": 100 }, { "name": "vote", "strategy": "vote", "weight": 0 } ],
            "canary": {{canary}} } ] }
        """, out _)!;
}
