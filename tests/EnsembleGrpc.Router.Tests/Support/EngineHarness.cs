using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Engine.Admission;
using EnsembleGrpc.Router.Engine;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Experiments;
using EnsembleGrpc.Router.Preprocessing;
using EnsembleGrpc.Router.Traffic.Assignment;
using EnsembleGrpc.Router.Traffic;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Tests.Support;

/// <summary>
/// A <see cref="RouterEngine"/> as the host builds it (a routing file, the real preprocessor, executors, traffic
/// router and shadow dispatcher), with a <see cref="ScriptedMemberInvoker"/> in place of the workers.
/// </summary>
internal sealed class EngineHarness : IDisposable
{
    private readonly TestFiles _files = new();

    public EngineHarness(string routingJson, params IEnumerable<IAggregationStrategy> more)
    {
        Strategies = AggregationStrategies.CreateDefault(null, more);
        var builder = new RouterModelBuilder(new RoutingConfigValidator(Strategies), Strategies);
        Config = new RoutingConfigProvider(_files.Write("routing.json", routingJson), builder, TimeProvider.System, NullLogger<RoutingConfigProvider>.Instance);
        var executor = new EnsembleExecutor(new FanOutExecutor(Invoker, TimeProvider.System), Strategies);
        Shadow = new ShadowDispatcher(executor, Statistics, TimeProvider.System, NullLogger<ShadowDispatcher>.Instance);
        var router = new TrafficRouter(executor, Shadow, Statistics, Ledger, new Random(7), TimeProvider.System, NullLogger<TrafficRouter>.Instance);
        Engine = new RouterEngine(Config, new ImagePreprocessor(), new WeightedSplitAssignment(new TrafficSplitState(Config, NullExperimentStore.Instance, TimeProvider.System, NullLogger<TrafficSplitState>.Instance), new Random(7)), Strategies, router, Statistics,
            new AdmissionController(Options.Create(new AdmissionOptions()), TimeProvider.System), TimeProvider.System);
    }

    public ScriptedMemberInvoker Invoker { get; } = new();

    public AggregationStrategies Strategies { get; }

    public RoutingConfigProvider Config { get; }

    public TrafficStatistics Statistics { get; } = new();

    public RequestLedger Ledger { get; } = new();

    public ShadowDispatcher Shadow { get; }

    public RouterEngine Engine { get; }

    /// <summary>FP32 [n,1,28,28] of zeros, as typed contents.</summary>
    public static ImageTensor Zeros(int n = 1) => new()
    {
        Name = "input",
        Datatype = "FP32",
        Shape = [n, 1, 28, 28],
        Fp32Contents = new float[n * ModelInput.PixelsPerImage],
    };

    public Task<InferenceOutcome> InferAsync(InferenceRequest request) => Engine.InferAsync(request, CancellationToken.None);

    public void Dispose()
    {
        Shadow.Dispose();
        _files.Dispose();
    }
}
