using System.Text.Json;
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

/// <summary>Each strategy reads and checks its own parameters; messages carry the arm's config path.</summary>
public sealed class StrategyPreparationTests : IDisposable
{
    private const string ArmPath = "ensembles[0].arms[1]";
    private static readonly MemberModel A = Member("a", error: 0.03, accuracy: 0.97);
    private static readonly MemberModel B = Member("b", error: 0.10, accuracy: 0.99);

    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Boosting_normalises_given_weights_in_arm_order()
    {
        var prepared = new BoostingStrategy().Prepare(Context("""{ "weights": { "b": 3, "a": 1 } }""", A, B));

        Assert.True(prepared.Succeeded);
        Assert.Equal([0.25, 0.75], Assert.IsType<BoostingParameters>(prepared.Parameters).Weights);
    }

    [Fact]
    public void Boosting_reports_every_problem_of_its_weights()
    {
        var prepared = new BoostingStrategy().Prepare(Context("""{ "weights": { "a": -1, "zz": 1 }, "wieghts": 2 }""", A, B));

        Assert.Null(prepared.Parameters);
        Assert.Equal(
        [
            $"{ArmPath}.parameters.wieghts: unknown key; boosting takes weights.",
            $"{ArmPath}.parameters.weights.a: must be a finite number, 0 or more; got -1.",
            $"{ArmPath}.parameters.weights: 'zz' is not a member of the arm.",
            $"{ArmPath}.parameters.weights: member 'b' has no weight.",
        ], prepared.Errors);
    }

    [Fact]
    public void Boosting_weights_of_the_wrong_kind_are_reported_not_replaced_by_samme()
    {
        var prepared = new BoostingStrategy().Prepare(Context("""{ "weights": [1, 2] }""", A, B));

        Assert.Equal($"{ArmPath}.parameters.weights: must be an object of member name → weight; got [1, 2].", Assert.Single(prepared.Errors));
    }

    [Fact]
    public void Boosting_without_weights_or_metrics_names_the_members_lacking_them()
    {
        var prepared = new BoostingStrategy().Prepare(Context(null, A, Member("c")));

        Assert.StartsWith($"{ArmPath}: boosting needs parameters.weights or validation_error of c ", Assert.Single(prepared.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Best_picks_the_highest_validation_accuracy()
    {
        var prepared = new BestStrategy().Prepare(Context(null, A, B));

        Assert.Equal("b", Assert.IsType<BestParameters>(prepared.Parameters).Member);
    }

    [Fact]
    public void Strategies_without_parameters_reject_any_key()
    {
        var bagging = new BaggingStrategy().Prepare(Context("""{ "weights": { "a": 1 } }""", A));
        var vote = new VoteStrategy().Prepare(Context("{}", A));

        Assert.Equal($"{ArmPath}.parameters.weights: unknown key; bagging takes no parameters.", Assert.Single(bagging.Errors));
        Assert.True(vote.Succeeded);
        Assert.Null(vote.Parameters);
    }

    [Fact]
    public void Stacking_loads_the_meta_model_of_the_repository()
    {
        _files.Write("repo/meta/config.json", """{ "inputs": [ { "name": "x" } ], "members": ["b", "a"] }""");
        _files.Write("repo/meta/3/model.onnx", "the loader is fake");
        var loader = new FakeMetaModel((_, batch, _) => new float[batch * 10]);

        var prepared = new StackingStrategy(loader).Prepare(Context("""{ "meta_model": "meta" }""", A, B));

        var parameters = Assert.IsType<StackingParameters>(prepared.Parameters);
        Assert.Equal(["b", "a"], parameters.MemberOrder);
        Assert.Same(loader, parameters.MetaModel);
        Assert.EndsWith(Path.Combine("meta", "3", "model.onnx"), Assert.Single(loader.Loaded), StringComparison.Ordinal);
    }

    [Fact]
    public void Stacking_requires_a_meta_model_name_and_checks_its_members()
    {
        _files.Write("repo/meta/config.json", """{ "members": ["a", "zz"] }""");
        _files.Write("repo/meta/1/model.onnx", "the loader is fake");
        var stacking = new StackingStrategy(new FakeMetaModel((_, batch, _) => new float[batch * 10]));

        var missing = stacking.Prepare(Context(null, A));
        var wrongKind = stacking.Prepare(Context("""{ "meta_model": 7 }""", A));
        var lacking = stacking.Prepare(Context("""{ "meta_model": "meta" }""", A));

        Assert.Equal($"{ArmPath}.parameters.meta_model: required for stacking (the meta-model's name in the model repository).", Assert.Single(missing.Errors));
        Assert.Equal($"{ArmPath}.parameters.meta_model: must be a string (the meta-model's name in the model repository); got 7.", Assert.Single(wrongKind.Errors));
        Assert.Equal($"{ArmPath}.members: the meta-model 'meta' needs member 'zz', which the arm lacks.", Assert.Single(lacking.Errors));
    }

    [Fact]
    public void Stacking_without_a_loader_says_so_at_load()
    {
        _files.Write("repo/meta/config.json", """{ "members": ["a"] }""");
        _files.Write("repo/meta/1/model.onnx", "never loaded");
        Assert.True(AggregationStrategies.CreateDefault().TryGet("stacking", out var stacking));

        var prepared = stacking.Prepare(Context("""{ "meta_model": "meta" }""", A));

        Assert.Contains("no meta-model loader", Assert.Single(prepared.Errors), StringComparison.Ordinal);
    }

    private StrategyContext Context(string? parameters, params MemberModel[] members) => new()
    {
        Path = ArmPath,
        Members = members,
        Parameters = parameters is null ? null : JsonSerializer.Deserialize<JsonElement>(parameters),
        ModelRepository = Path.Combine(_files.Directory, "repo"),
    };
}
