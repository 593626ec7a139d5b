using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Ensemble.Strategies.Bagging;
using EnsembleGrpc.Router.Ensemble.Strategies.Best;
using EnsembleGrpc.Router.Ensemble.Strategies.Boosting;
using EnsembleGrpc.Router.Ensemble.Strategies.Stacking;
using EnsembleGrpc.Router.Ensemble.Strategies.Vote;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Tests.Support;
using static EnsembleGrpc.Router.Tests.Support.TestModels;

namespace EnsembleGrpc.Router.Tests.Ensemble;

public sealed class AggregationStrategyTests
{
    private static readonly MemberModel A = Member("a", error: 0.03, accuracy: 0.97);
    private static readonly MemberModel B = Member("b", error: 0.10, accuracy: 0.90);
    private static readonly MemberModel C = Member("c", error: 0.05, accuracy: 0.99);

    // These tests hand the strategies prepared parameters; nothing is loaded.
    private static readonly IMetaModelLoader NoLoader = new FakeMetaModel((_, _, _) => throw new InvalidOperationException("not loaded here"));

    [Fact]
    public void Bagging_is_the_mean()
    {
        var result = new BaggingStrategy().Aggregate(Input(Arm("x", "bagging", 1, [A, B]), ("a", Row(3, 0.9f)), ("b", Row(5, 0.5f))));

        Assert.True(result.Succeeded);
        Assert.Equal((0.9f + 0.5f / 9) / 2, result.Probabilities![3], 6);
        Assert.Equal((0.1f / 9 + 0.5f) / 2, result.Probabilities[5], 6);
        Assert.Equal([3], result.Predictions!);
    }

    [Fact]
    public void Samme_weights_follow_the_formula_and_drop_worse_than_chance()
    {
        var weights = SammeWeights.FromValidationErrors([0.03, 0.10, 0.95], classes: 10)!;

        double a = Math.Log(0.97 / 0.03) + Math.Log(9);
        double b = Math.Log(0.90 / 0.10) + Math.Log(9);
        // e = 0.95 with K = 10: ln(0.05/0.95) + ln 9 < 0 → weight 0.
        Assert.Equal(a / (a + b), weights[0], 12);
        Assert.Equal(b / (a + b), weights[1], 12);
        Assert.Equal(0, weights[2]);
        Assert.Null(SammeWeights.FromValidationErrors([0.95, 0.99], classes: 10));
    }

    [Fact]
    public void Boosting_weights_the_members()
    {
        // a and b disagree; a's weight wins with 0.8 vs 0.2.
        var arm = Arm("x", "boosting", 1, [A, B]) with { Parameters = new BoostingParameters { Weights = [0.2, 0.8] } };

        var result = new BoostingStrategy().Aggregate(Input(arm, ("a", Row(1, 0.9f)), ("b", Row(2, 0.6f))));

        Assert.Equal([2], result.Predictions!);
        Assert.Equal(0.2f * 0.9f + 0.8f * (0.4f / 9), result.Probabilities![1], 6);
        Assert.Equal(0.2f * (0.1f / 9) + 0.8f * 0.6f, result.Probabilities[2], 6);
    }

    [Fact]
    public void Vote_takes_the_majority_even_against_a_confident_member()
    {
        var arm = Arm("x", "vote", 1, [A, B, C]);

        var result = new VoteStrategy().Aggregate(Input(arm, ("a", Row(7, 0.99f)), ("b", Row(4, 0.4f)), ("c", Row(4, 0.4f))));

        Assert.Equal([4], result.Predictions!);
        Assert.Equal(4, Argmax.Row(result.Probabilities));
        Assert.Equal(1f, result.Probabilities!.Sum(), 4);
    }

    [Fact]
    public void Vote_ties_are_broken_by_mean_probability()
    {
        var arm = Arm("x", "vote", 1, [A, B]);

        // One vote each for 2 and 6; 6 has the higher mean probability (0.9 + 0.0111 vs 0.6 + 0.0444).
        var result = new VoteStrategy().Aggregate(Input(arm, ("a", Row(2, 0.6f)), ("b", Row(6, 0.9f))));

        Assert.Equal([6], result.Predictions!);
        Assert.Equal(6, Argmax.Row(result.Probabilities));
    }

    [Fact]
    public void Best_answers_with_the_most_accurate_member()
    {
        var arm = Arm("x", "best", 1, [A, B, C]) with { Parameters = new BestParameters { Member = "c" } };

        var result = new BestStrategy().Aggregate(Input(arm, ("a", Row(1, 0.9f)), ("b", Row(1, 0.9f)), ("c", Row(8, 0.5f))));

        Assert.Equal([8], result.Predictions!);
    }

    [Fact]
    public void Stacking_concatenates_in_meta_model_order()
    {
        float[]? seen = null;
        var meta = new FakeMetaModel((input, batch, width) =>
        {
            seen = input;
            return Row(9, 0.7f);
        });
        var arm = Arm("x", "stacking", 1, [A, B]) with { Parameters = new StackingParameters { Name = "meta", MemberOrder = ["b", "a"], MetaModel = meta } };

        var result = new StackingStrategy(NoLoader).Aggregate(Input(arm, ("a", Row(1, 0.9f)), ("b", Row(2, 0.8f))));

        Assert.Equal([9], result.Predictions!);
        Assert.Equal(20, seen!.Length);
        Assert.Equal(0.8f, seen[2]);
        Assert.Equal(0.9f, seen[10 + 1]);
    }

    [Fact]
    public void Stacking_reports_a_failing_or_invalid_meta_model_as_a_value()
    {
        var throwing = Arm("x", "stacking", 1, [A]) with
        {
            Parameters = new StackingParameters { Name = "meta", MemberOrder = ["a"], MetaModel = new FakeMetaModel((_, _, _) => throw new InvalidOperationException("boom\nstack")) },
        };
        var garbage = throwing with
        {
            Parameters = (StackingParameters)throwing.Parameters! with { MetaModel = new FakeMetaModel((_, _, _) => new float[10]) },
        };

        var failed = new StackingStrategy(NoLoader).Aggregate(Input(throwing, ("a", Row(1, 0.9f))));
        var invalid = new StackingStrategy(NoLoader).Aggregate(Input(garbage, ("a", Row(1, 0.9f))));

        Assert.Equal("meta-model 'meta' failed: boom", failed.FailureReason);
        Assert.Contains("output is invalid: row 0 sums to 0", invalid.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_validator_checks_shape_finiteness_and_sums()
    {
        Assert.Null(OutputValidator.Validate(Row(1, 0.5f), 1));
        Assert.Contains("expected 2×10", OutputValidator.Validate(Row(1, 0.5f), 2), StringComparison.Ordinal);
        var nan = Row(1, 0.5f);
        nan[3] = float.NaN;
        Assert.Contains("non-finite", OutputValidator.Validate(nan, 1), StringComparison.Ordinal);
        var big = Row(1, 0.5f);
        big[1] = 0.9f;
        Assert.Contains("sums to", OutputValidator.Validate(big, 1), StringComparison.Ordinal);
    }

    private static AggregationInput Input(ArmModel arm, params (string Member, float[] Probabilities)[] outputs) => new()
    {
        Arm = arm,
        Outputs = outputs.Select(o => new KeyValuePair<string, float[]>(o.Member, o.Probabilities)).ToArray(),
        BatchSize = outputs[0].Probabilities.Length / 10,
    };
}
