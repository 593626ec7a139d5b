using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Engine;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Ensemble.Batching;
using EnsembleGrpc.Router.Model;
using Grpc.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Frontend;

/// <summary>
/// The router's Open Inference Protocol service: each ensemble is a virtual model. This class only maps the protocol
/// to the engine and back; every outcome becomes a deliberate status code (clients never see UNKNOWN, and internals
/// never leak: an unexpected exception is logged and answered INTERNAL). Each ensemble keeps Triton-style
/// ModelStatistics (config/README.md, "ModelStatistics of the router", says what every field means here).
/// </summary>
public sealed partial class RouterInferenceService(
    RouterEngine engine,
    TimeProvider time,
    HealthCheckService health,
    IOptions<MemberBatchingOptions> batching,
    ILogger<RouterInferenceService> logger) : GRPCInferenceService.GRPCInferenceServiceBase
{
    public const string ServerName = "ensemblegrpc-router";
    public const string Platform = "ensemble";

    /// <summary>The one version of every ensemble.</summary>
    public const string Version = RouterEngine.Version;

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
            ? engine.Ensembles.Values.OrderBy(e => e.Name, StringComparer.Ordinal)
            : (IEnumerable<EnsembleModel>)[Resolve(request.Name, request.Version)];
        var response = new ModelStatisticsResponse();
        foreach (var ensemble in ensembles)
        {
            response.ModelStats.Add(StatisticsMapper.ToModelStatistics(ensemble.Name, engine.Statistics(ensemble.Name).Snapshot(time.TimestampFrequency)));
        }

        return Task.FromResult(response);
    }

    // Triton's extension, for perf_analyzer and tritonclient: the virtual model as a Triton model configuration.
    public override Task<ModelConfigResponse> ModelConfig(ModelConfigRequest request, ServerCallContext context) =>
        Task.FromResult(new ModelConfigResponse { Config = VirtualModelConfig.For(Resolve(request.Name, request.Version), batching.Value.Enabled) });

    // Triton's extension: every served ensemble is READY (ready or not, the index lists the same models).
    public override Task<RepositoryIndexResponse> RepositoryIndex(RepositoryIndexRequest request, ServerCallContext context) =>
        Task.FromResult(VirtualModelConfig.Index(engine.Ensembles.Values));

    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        long arrival = time.GetTimestamp();
        var outputs = InferRequestMapper.RequestedOutputs(request, out string? outputsError);
        var tensor = InferRequestMapper.TryGetTensor(request, out string? tensorError);
        var engineRequest = new InferenceRequest
        {
            Model = request.ModelName,
            Version = request.ModelVersion,
            Tensor = outputsError is null ? tensor : null,
            TensorError = tensorError ?? outputsError,
            Strategy = InferRequestMapper.StringParameter(request, ResponseParameters.EnsembleStrategy),
            PreprocessSkip = InferRequestMapper.StringParameter(request, ResponseParameters.PreprocessSkip),
            RoutingKey = InferRequestMapper.StringParameter(request, ResponseParameters.RoutingKey) ?? context.RequestHeaders.GetValue(ResponseParameters.RoutingKeyHeader),
            // For fair admission: the connection (Kestrel's id is made once per connection; Peer would format a string per
            // call), or the operator's client header.
            Client = AdmissionClientKey.Of(context.GetHttpContext()),
            Id = request.Id,
            Arrival = arrival,
            DecodeStart = arrival,
        };

        InferenceOutcome? outcome = null;
        try
        {
            outcome = await engine.InferAsync(engineRequest, context.CancellationToken).ConfigureAwait(false);
            if (!outcome.Answered)
            {
                throw ResultStatus.Exception(outcome, context.Deadline <= DateTime.UtcNow);
            }

            var response = InferResponseMapper.ToResponse(outcome, request.RawInputContents.Count > 0, outputs);
            engine.RecordAnswered(outcome, arrival, arrival, time.GetTimestamp());
            return response;
        }
        catch (RpcException)
        {
            throw;
        }
        catch (Exception ex)
        {
            if (outcome is not null)
            {
                engine.RecordFailure(outcome, arrival);
            }

            Log.Unexpected(logger, request.Id, ex);
            throw new RpcException(new Status(StatusCode.Internal, "internal error in the router; see its log"));
        }
    }

    /// <summary>The served ensemble of that name and version, else NOT_FOUND naming what is served.</summary>
    private EnsembleModel Resolve(string name, string version) =>
        engine.Resolve(name, version, out var error, out string? message)
            ?? throw new RpcException(ResultStatus.Of(InferenceOutcome.Failed(error, message!), deadlinePassed: false));

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
