using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Hosting;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static EnsembleGrpc.Router.Tests.Support.TestModels;

namespace EnsembleGrpc.Router.Tests.Configuration;

/// <summary>
/// The model builder asks each arm's strategy to prepare its parameters: it knows none of them, so a strategy it
/// has never heard of (<see cref="ConstantStrategy"/>, defined by the tests) is prepared and used like a built-in.
/// </summary>
public sealed class StrategyParametersAtLoadTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void A_new_strategy_is_prepared_from_the_routing_file_and_used()
    {
        var strategies = AggregationStrategies.CreateDefault(null, new ConstantStrategy());
        var model = Load(new RouterModelBuilder(new RoutingConfigValidator(strategies), strategies), """{ "class": 7 }""", out var errors);

        Assert.Empty(errors);
        var arm = model!.Ensembles["mnist"].FindArm("const")!;
        Assert.Equal(new ConstantParameters(7), arm.Parameters);
        // The engine's calls: look the arm's strategy up by name and aggregate with what it prepared.
        Assert.True(strategies.TryGet(arm.Strategy, out var strategy));
        var result = strategy.Aggregate(new AggregationInput { Arm = arm, Outputs = [new("a", Rows(Row(1, 0.9f), Row(2, 0.9f)))], BatchSize = 2 });
        Assert.Equal([7, 7], result.Predictions!);
        // The file's format is untouched: the parameters are shown back as written.
        Assert.Contains("\"class\": 7", RoutingConfigJson.Serialize(model.Config), StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_strategy_registered_in_the_container_is_known_to_validation_and_loading()
    {
        var services = new ServiceCollection().AddEnsembles();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAggregationStrategy, ConstantStrategy>());
        services.AddSingleton<RoutingConfigValidator>();
        services.AddSingleton<RouterModelBuilder>();
        using var provider = services.BuildServiceProvider();

        var model = Load(provider.GetRequiredService<RouterModelBuilder>(), """{ "class": 3 }""", out var errors);

        Assert.Empty(errors);
        Assert.Equal(new ConstantParameters(3), model!.Ensembles["mnist"].FindArm("const")!.Parameters);
        Assert.Contains("constant", provider.GetRequiredService<AggregationStrategies>().Names);
    }

    [Fact]
    public void A_new_strategy_reports_its_parameter_errors_with_the_config_path_at_load()
    {
        var builder = TestBuilders.ModelBuilder(null, new ConstantStrategy());

        var bad = Load(builder, """{ "class": 12, "colour": "red" }""", out var badErrors);
        var missing = Load(builder, null, out var missingErrors);

        Assert.Null(bad);
        Assert.Equal(
        [
            "ensembles[0].arms[1].parameters.colour: unknown key; constant takes class.",
            "ensembles[0].arms[1].parameters.class: must be an integer from 0 to 9; got 12.",
        ], badErrors);
        Assert.Null(missing);
        Assert.Equal("ensembles[0].arms[1].parameters.class: required for constant (the class to answer).", Assert.Single(missingErrors));
    }

    [Fact]
    public void Unregistered_strategies_are_refused_naming_the_registered_ones()
    {
        var model = Load(TestBuilders.ModelBuilder(), """{ "class": 7 }""", out var errors);

        Assert.Null(model);
        Assert.Equal("ensembles[0].arms[1].strategy: 'constant' is not one of bagging, boosting, stacking, vote, best.", Assert.Single(errors));
    }

    [Fact]
    public void Every_arm_s_parameter_problems_are_collected_in_one_load()
    {
        var config = RoutingConfigValidatorTests.Parse("""
            { "ensembles": [ { "name": "mnist",
                "members": [ { "name": "a", "endpoints": ["http://127.0.0.1:8001"] }, { "name": "b", "endpoints": ["http://127.0.0.1:8002"] } ],
                "arms": [ { "name": "boost", "strategy": "boosting", "weight": 1, "parameters": { "weights": { "a": 1 } } },
                          { "name": "bag", "strategy": "Bagging", "weight": 1, "parameters": { "meta_model": "meta" } },
                          { "name": "stack", "strategy": "stacking", "weight": 1 } ] } ] }
            """);

        var model = TestBuilders.ModelBuilder().Build(config, _files.Directory, "test", 1, DateTimeOffset.UnixEpoch, out var errors);

        Assert.Null(model);
        Assert.Equal(
        [
            "ensembles[0].arms[0].parameters.weights: member 'b' has no weight.",
            "ensembles[0].arms[1].parameters.meta_model: unknown key; bagging takes no parameters.",
            "ensembles[0].arms[2].parameters.meta_model: required for stacking (the meta-model's name in the model repository).",
        ], errors);
    }

    private RouterModel? Load(RouterModelBuilder builder, string? constantParameters, out IReadOnlyList<string> errors)
    {
        string parameters = constantParameters is null ? "" : $", \"parameters\": {constantParameters}";
        var config = RoutingConfigValidatorTests.Parse($$"""
            { "ensembles": [ { "name": "mnist",
                "members": [ { "name": "a", "endpoints": ["http://127.0.0.1:8001"] } ],
                "arms": [ { "name": "bag", "strategy": "bagging", "weight": 1 },
                          { "name": "const", "strategy": "constant", "weight": 0{{parameters}} } ] } ] }
            """);
        return builder.Build(config, _files.Directory, "test", 1, DateTimeOffset.UnixEpoch, out errors);
    }
}
