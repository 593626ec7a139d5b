using System.Reflection;
using EnsembleGrpc.InferenceServer.Inference;
using EnsembleGrpc.InferenceServer.Repository;
using EnsembleGrpc.Protocol;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.InferenceServer.Frontend;

/// <summary>
/// The Open Inference Protocol front end of the worker: decodes, calls the engine, encodes. Every failure leaves
/// as a mapped status (<see cref="StatusMapping"/>); an unexpected exception becomes INTERNAL with a generic
/// message and is logged, never UNKNOWN and never its text.
/// </summary>
public sealed partial class InferenceService : GRPCInferenceService.GRPCInferenceServiceBase
{
    public const string ServerName = "ensemblegrpc-inference-server";

    /// <summary>Protocol extensions implemented here (Triton's names).</summary>
    public static readonly IReadOnlyList<string> Extensions = ["statistics"];

    private static readonly string ServerVersion =
        typeof(InferenceService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private readonly ModelManager _models;
    private readonly TimeProvider _time;
    private readonly ILogger<InferenceService> _logger;

    public InferenceService(ModelManager models, TimeProvider time, ILogger<InferenceService> logger)
    {
        _models = models;
        _time = time;
        _logger = logger;
    }

    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context)
        => Task.FromResult(new ServerLiveResponse { Live = true });

    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context)
        => Task.FromResult(new ServerReadyResponse { Ready = _models.AllReady });

    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context)
        => Guard(nameof(ModelReady), () => new ModelReadyResponse { Ready = Find(request.Name, request.Version).IsReady });

    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context)
    {
        var response = new ServerMetadataResponse { Name = ServerName, Version = ServerVersion };
        response.Extensions.Add(Extensions);
        return Task.FromResult(response);
    }

    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
        => Guard(nameof(ModelMetadata), () =>
        {
            var model = Find(request.Name, request.Version);
            MetadataMapping.AddExecutionProvider(context.ResponseTrailers, model.Executor);
            return model.Definition is { } definition
                ? MetadataMapping.ToMetadata(definition)
                : throw StatusMapping.ToRpcException(model.NotReadyError());
        });

    public override Task<ModelStatisticsResponse> ModelStatistics(ModelStatisticsRequest request, ServerCallContext context)
        => Guard(nameof(ModelStatistics), () =>
        {
            var models = string.IsNullOrEmpty(request.Name)
                ? _models.Models.Where(m => m.Definition is not null)
                : [Find(request.Name, request.Version)];
            var response = new ModelStatisticsResponse();
            response.ModelStats.Add(models.Select(m => MetadataMapping.ToStatistics(m.Statistics.Snapshot())));
            return response;
        });

    // Triton's extension (perf_analyzer and tritonclient ask for it first): the model's config.json in Triton's terms.
    public override Task<ModelConfigResponse> ModelConfig(ModelConfigRequest request, ServerCallContext context)
        => Guard(nameof(ModelConfig), () =>
        {
            var model = Find(request.Name, request.Version);
            return model.Definition is { } definition
                ? new ModelConfigResponse { Config = TritonModelConfig.For(definition, model.Policy) }
                : throw StatusMapping.ToRpcException(model.NotReadyError());
        });

    // Triton's extension: every model with its state (LOADING, READY, UNAVAILABLE, UNLOADING); ready = only READY ones.
    public override Task<RepositoryIndexResponse> RepositoryIndex(RepositoryIndexRequest request, ServerCallContext context)
        => Guard(nameof(RepositoryIndex), () => TritonModelConfig.Index(_models.Models, request.Ready));

    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        var arrival = _time.GetTimestamp();
        try
        {
            var model = Find(request.ModelName, request.ModelVersion);
            if (!model.IsReady || model.Definition is not { } definition)
            {
                throw StatusMapping.ToRpcException(model.NotReadyError());
            }

            // grpc-dotnet cancels the call's token when its deadline passes, so the queue needs no timer of its own.
            var call = new RequestContext(ToDeadline(context.Deadline), context.CancellationToken, arrival, DeadlineCancelsToken: true);
            var invalid = InferRequestDecoder.TryDecode(request, definition, call, out var decoded, out var raw);
            if (invalid is not null)
            {
                model.RecordRejected(arrival);
                throw StatusMapping.ToRpcException(invalid);
            }

            var outcome = await model.InferAsync(decoded!).ConfigureAwait(false);
            return outcome.IsSuccess
                ? InferResponseEncoder.Encode(decoded!, outcome.Outputs!, raw)
                : throw StatusMapping.ToRpcException(outcome.Error!);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Unexpected(nameof(ModelInfer), ex);
        }
    }

    private ModelState Find(string name, string version)
    {
        var error = _models.Resolve(name, version, out var model);
        return error is null ? model! : throw StatusMapping.ToRpcException(error);
    }

    private Task<T> Guard<T>(string method, Func<T> handler)
    {
        try
        {
            return Task.FromResult(handler());
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Unexpected(method, ex);
        }
    }

    private RpcException Unexpected(string method, Exception exception)
    {
        Log.HandlerFailed(_logger, method, exception);
        return StatusMapping.ToRpcException(InferenceError.Internal($"{method} failed unexpectedly; see the worker's log"));
    }

    private static DateTimeOffset? ToDeadline(DateTime deadline)
        => deadline == DateTime.MaxValue ? null : new DateTimeOffset(DateTime.SpecifyKind(deadline, DateTimeKind.Utc));

    private static partial class Log
    {
        [LoggerMessage(EventId = 200, Level = LogLevel.Error, Message = "{Method} failed unexpectedly")]
        public static partial void HandlerFailed(ILogger logger, string method, Exception exception);
    }
}
