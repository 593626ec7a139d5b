using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;
using EnsembleGrpc.Router.Traffic;
using Grpc.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Router.Frontend;

/// <summary>
/// The router's Open Inference Protocol service: each ensemble is a virtual model. This class only maps the protocol
/// to the engine and back; every outcome becomes a deliberate status code (clients never see UNKNOWN, and internals
/// never leak: an unexpected exception is logged and answered INTERNAL). Each ensemble keeps Triton-style
/// ModelStatistics (config/README.md, "ModelStatistics of the router", says what every field means here).
/// </summary>
public sealed partial class RouterInferenceService(
    RoutingConfigProvider config,
    ImagePreprocessor preprocessor,
    TrafficRouter router,
    TrafficStatistics statistics,
    TimeProvider time,
    HealthCheckService health,
    ILogger<RouterInferenceService> logger) : GRPCInferenceService.GRPCInferenceServiceBase
{
    public const string ServerName = "ensemblegrpc-router";
    public const string Platform = "ensemble";

    /// <summary>The one version of every ensemble.</summary>
    public const string Version = "1";

    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    // The same verdict as grpc.health.v1.Health: every ensemble has its quorum of members reachable (RouterHealthCheck).
    public override async Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        new() { Ready = (await health.CheckHealthAsync(context.CancellationToken).ConfigureAwait(false)).Status == HealthStatus.Healthy };

    // The same rule as ModelMetadata and ModelInfer (and the workers): an unknown model or version is NOT_FOUND.
    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context)
    {
        Resolve(request.Name, request.Version);
        return Task.FromResult(new ModelReadyResponse { Ready = true });
    }

    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerMetadataResponse { Name = ServerName, Version = typeof(RouterInferenceService).Assembly.GetName().Version?.ToString() ?? "0" });

    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        var ensemble = Resolve(request.Name, request.Version);
        var response = new ModelMetadataResponse { Name = ensemble.Name, Platform = Platform };
        response.Versions.Add(Version);
        // A request sends one of the two (RouterInputs): the members' own tensor, or images the router preprocesses.
        response.Inputs.Add(Tensor(RouterInputs.Tensor, RouterInputs.TensorDatatype, RouterInputs.TensorShape));
        response.Inputs.Add(Tensor(RouterInputs.Image, RouterInputs.ImageDatatype, RouterInputs.ImageShape));
        response.Outputs.Add(Tensor(ResponseParameters.ProbabilitiesOutput, "FP32", -1, OutputValidator.Classes));
        response.Outputs.Add(Tensor(ResponseParameters.PredictionsOutput, "INT64", -1));
        return Task.FromResult(response);
    }

    public override Task<ModelStatisticsResponse> ModelStatistics(ModelStatisticsRequest request, ServerCallContext context)
    {
        // Name empty: every served ensemble (the version is then ignored, as Triton does).
        var ensembles = string.IsNullOrEmpty(request.Name)
            ? config.Current.Ensembles.Values.OrderBy(e => e.Name, StringComparer.Ordinal)
            : (IEnumerable<EnsembleModel>)[Resolve(request.Name, request.Version)];
        var response = new ModelStatisticsResponse();
        foreach (var ensemble in ensembles)
        {
            response.ModelStats.Add(StatisticsMapper.ToModelStatistics(ensemble.Name, statistics.Model(ensemble.Name).Snapshot(time.TimestampFrequency)));
        }

        return Task.FromResult(response);
    }

    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        long arrival = time.GetTimestamp();
        // Set once the model and version resolved: from then on every error is the model's failure (an unknown model
        // or version has no statistics to count in).
        ModelCounters? counters = null;
        try
        {
            var ensemble = Resolve(request.ModelName, request.ModelVersion);
            counters = statistics.Model(ensemble.Name);
            return await InferAsync(ensemble, counters, arrival, request, context).ConfigureAwait(false);
        }
        catch (RpcException)
        {
            Failed(counters, arrival);
            throw;
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            Failed(counters, arrival);
            throw CallerGone(context);
        }
        catch (Exception ex)
        {
            Failed(counters, arrival);
            Log.Unexpected(logger, request.Id, ex);
            throw new RpcException(new Status(StatusCode.Internal, "internal error in the router; see its log"));
        }
    }

    private async Task<ModelInferResponse> InferAsync(EnsembleModel ensemble, ModelCounters counters, long arrival, ModelInferRequest request, ServerCallContext context)
    {
        long decodeStart = time.GetTimestamp();
        var tensor = InferRequestMapper.TryGetTensor(request, out string? error) ?? throw Invalid(error!);
        var outputs = InferRequestMapper.RequestedOutputs(request, out error);
        if (error is not null)
        {
            throw Invalid(error);
        }

        var preprocessed = preprocessor.Preprocess(tensor, ensemble.MaxBatchSize);
        if (preprocessed.Input is null)
        {
            throw Invalid(preprocessed.Error!);
        }

        long inputReady = time.GetTimestamp();
        string? strategy = InferRequestMapper.StringParameter(request, ResponseParameters.EnsembleStrategy);
        string? routingKey = InferRequestMapper.StringParameter(request, ResponseParameters.RoutingKey)
            ?? context.RequestHeaders.GetValue(ResponseParameters.RoutingKeyHeader);
        var arm = router.SelectArm(ensemble, strategy, routingKey, out error) ?? throw Invalid(error!);

        // The arm is recorded with the request id; a request without an id gets one, echoed so feedback can refer to it.
        string requestId = string.IsNullOrEmpty(request.Id) ? Guid.NewGuid().ToString("N") : request.Id;
        long fanOutStart = time.GetTimestamp();
        var routed = await router.RouteAsync(ensemble, arm, preprocessed.Input, requestId, context.CancellationToken).ConfigureAwait(false);
        long aggregated = time.GetTimestamp();
        var response = routed.Result.Kind switch
        {
            EnsembleResultKind.Answered => InferResponseMapper.ToResponse(ensemble.Name, requestId, routed, ensemble.RevealArm, request.RawInputContents.Count > 0, outputs),
            EnsembleResultKind.Unavailable or EnsembleResultKind.Rejected => throw new RpcException(ResultStatus.Of(routed.Result)),
            _ => throw CallerGone(context),
        };
        long encoded = time.GetTimestamp();
        counters.RecordSuccess(new RequestTimings(arrival, decodeStart, inputReady, fanOutStart, aggregated, encoded), preprocessed.Input.BatchSize, time.GetUtcNow().ToUnixTimeMilliseconds());
        return response;
    }

    private void Failed(ModelCounters? counters, long arrival) => counters?.RecordFailure(time.GetTimestamp() - arrival);

    /// <summary>
    /// The served ensemble of that name and version, else NOT_FOUND naming what is served. Every ensemble is a virtual
    /// model with one version, <see cref="Version"/>; an empty version means that one, as in Triton.
    /// </summary>
    private EnsembleModel Resolve(string name, string version)
    {
        var ensemble = FindEnsemble(name);
        return version is "" or Version
            ? ensemble
            : throw new RpcException(new Status(StatusCode.NotFound, $"model '{name}' has only version {Version}; asked for '{version}'."));
    }

    private EnsembleModel FindEnsemble(string name)
    {
        var current = config.Current;
        return current.Ensembles.TryGetValue(name, out var ensemble)
            ? ensemble
            : throw new RpcException(new Status(StatusCode.NotFound, $"model '{name}' is not served by this router; models: {string.Join(", ", current.Ensembles.Keys)}."));
    }

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    private static RpcException CallerGone(ServerCallContext context) =>
        context.Deadline <= DateTime.UtcNow
            ? new RpcException(new Status(StatusCode.DeadlineExceeded, "the deadline passed before the ensemble answered"))
            : new RpcException(new Status(StatusCode.Cancelled, "the call was cancelled"));

    private static ModelMetadataResponse.Types.TensorMetadata Tensor(string name, string datatype, params long[] shape)
    {
        var tensor = new ModelMetadataResponse.Types.TensorMetadata { Name = name, Datatype = datatype };
        tensor.Shape.AddRange(shape);
        return tensor;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 600, EventName = "UnexpectedInferError", Level = LogLevel.Error, Message = "Unexpected error in ModelInfer (request {RequestId}); answered INTERNAL.")]
        public static partial void Unexpected(ILogger logger, string requestId, Exception exception);
    }
}
