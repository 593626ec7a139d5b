using System.Buffers;
using System.Globalization;
using EnsembleGrpc.Hosting.Rest;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Protocol.Rest;
using EnsembleGrpc.Router.Engine;
using EnsembleGrpc.Router.Ensemble.Batching;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Frontend.Rest;

/// <summary>
/// The router's REST binding of the Open Inference Protocol (KServe v2 HTTP/JSON, as Triton serves it). Like the gRPC
/// service it only translates: a REST body becomes the protocol's request (<see cref="RestInferRequestReader"/>), the
/// gRPC front end's mappers lift the tensor out of it for the same <see cref="RouterEngine"/>, and errors take the
/// statuses of <see cref="RestStatus"/> with the engine's messages, so REST and gRPC clients read the same words.
/// </summary>
public sealed partial class RouterRestApi(
    RouterEngine engine,
    HealthCheckService health,
    IOptions<MemberBatchingOptions> batching,
    TimeProvider time,
    ILogger<RouterRestApi> logger) : IOpenInferenceRestApi
{
    /// <summary>Extensions of the REST binding (Triton's names), in <c>GET /v2</c>.</summary>
    public static readonly IReadOnlyList<string> Extensions = ["binary_tensor_data", "model_configuration", "parameters"];

    private static readonly JsonFormatter ConfigFormatter = new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true));

    public Task LiveAsync(HttpContext context)
    {
        RestHttp.WriteVerdict(context.Response, true);
        return Task.CompletedTask;
    }

    // The same verdict as ServerReady and grpc.health.v1.Health: every ensemble has its quorum of members reachable.
    public async Task ReadyAsync(HttpContext context) =>
        RestHttp.WriteVerdict(context.Response, (await health.CheckHealthAsync(context.RequestAborted).ConfigureAwait(false)).Status == HealthStatus.Healthy);

    public Task ServerMetadataAsync(HttpContext context) =>
        RestHttp.WriteJsonAsync(context.Response, new RestServerMetadata(RouterInferenceService.ServerName, ServerVersion, Extensions), RestJsonContext.Web.RestServerMetadata);

    public Task ModelMetadataAsync(HttpContext context)
    {
        var ensemble = Resolve(context, out var error);
        return ensemble is null ? error! : RestHttp.WriteJsonAsync(context.Response, VirtualModelMetadata.Rest(ensemble.Name), RestJsonContext.Web.RestModelMetadata);
    }

    // As ModelReady over gRPC: a served ensemble is ready; an unknown one is 404.
    public Task ModelReadyAsync(HttpContext context)
    {
        var ensemble = Resolve(context, out var error);
        if (ensemble is null)
        {
            return error!;
        }

        RestHttp.WriteVerdict(context.Response, true);
        return Task.CompletedTask;
    }

    /// <summary>Triton's <c>GET /v2/models/{name}/config</c>: the ModelConfig extension's message in protobuf's JSON form.</summary>
    public Task ModelConfigAsync(HttpContext context)
    {
        var ensemble = Resolve(context, out var error);
        if (ensemble is null)
        {
            return error!;
        }

        string json = ConfigFormatter.Format(VirtualModelConfig.For(ensemble, batching.Value.Enabled));
        return RestHttp.WriteBodyAsync(context.Response, StatusCodes.Status200OK, System.Text.Encoding.UTF8.GetBytes(json), RestHttp.JsonContentType);
    }

    /// <summary>Triton's <c>POST /v2/repository/index</c>: every served ensemble, READY.</summary>
    public Task RepositoryIndexAsync(HttpContext context) =>
        RestHttp.WriteJsonAsync(context.Response, RestRepositoryIndexEntry.From(VirtualModelConfig.Index(engine.Ensembles.Values)), RestJsonContext.Web.IReadOnlyListRestRepositoryIndexEntry);

    public async Task InferAsync(HttpContext context)
    {
        long arrival = time.GetTimestamp();
        var (name, version) = RouteModel(context);
        InferenceOutcome? outcome = null;
        try
        {
            var body = await RestHttp.ReadBodyAsync(context.Request).ConfigureAwait(false);
            var engineRequest = ToEngineRequest(context, body, name, version, arrival, out var outputs, out var choice);
            outcome = await engine.InferAsync(engineRequest, context.RequestAborted).ConfigureAwait(false);
            if (!outcome.Answered)
            {
                await RestStatus.WriteAsync(context.Response, outcome).ConfigureAwait(false);
                return;
            }

            // Raw contents: the writer turns them into JSON arrays or binary data, whichever the client asked for.
            var response = InferResponseMapper.ToResponse(outcome, raw: true, outputs);
            var buffer = new ArrayBufferWriter<byte>();
            long jsonLength = RestInferResponseWriter.Write(buffer, response, choice);
            if (choice.AnyBinary)
            {
                context.Response.Headers[RestBinding.HeaderContentLength] = jsonLength.ToString(CultureInfo.InvariantCulture);
            }

            engine.RecordAnswered(outcome, arrival, arrival, time.GetTimestamp());
            await RestHttp.WriteBodyAsync(context.Response, StatusCodes.Status200OK, buffer.WrittenMemory,
                choice.AnyBinary ? RestBinding.BinaryContentType : RestHttp.JsonContentType).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's own refusal of the body (shorter than its Content-Length, over the size limit): the client's
            // doing, with Kestrel's status (400, 413) and words.
            await RestHttp.WriteErrorAsync(context.Response, ex.StatusCode, "the request body could not be read: " + ex.Message).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away while its body was read or its answer written: nobody to answer.
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (outcome is not null)
            {
                engine.RecordFailure(outcome, arrival);
            }

            Log.Unexpected(logger, name, ex);
            if (!context.Response.HasStarted)
            {
                await RestHttp.WriteErrorAsync(context.Response, StatusCodes.Status500InternalServerError, "internal error in the router; see its log").ConfigureAwait(false);
            }
        }
    }

    /// <summary>The engine's request from a REST body: what the body cannot say becomes the request's TensorError (400). The page's infer (Frontend/Page) reads its body the same way.</summary>
    internal static InferenceRequest ToEngineRequest(
        HttpContext context, ReadOnlyMemory<byte> body, string name, string version, long arrival,
        out HashSet<string>? outputs, out RestOutputChoice choice)
    {
        outputs = null;
        var request = RestInferRequestReader.TryRead(body, HeaderLength(context.Request), name, version, out choice, out string? readError);
        if (request is null)
        {
            return new InferenceRequest { Model = name, Version = version, TensorError = readError, Client = AdmissionClientKey.Of(context), Arrival = arrival, DecodeStart = arrival };
        }

        outputs = InferRequestMapper.RequestedOutputs(request, out string? outputsError);
        var tensor = InferRequestMapper.TryGetTensor(request, out string? tensorError);
        return new InferenceRequest
        {
            Model = name,
            Version = version,
            Tensor = outputsError is null ? tensor : null,
            TensorError = tensorError ?? outputsError,
            Strategy = InferRequestMapper.StringParameter(request, ResponseParameters.EnsembleStrategy),
            PreprocessSkip = InferRequestMapper.StringParameter(request, ResponseParameters.PreprocessSkip),
            RoutingKey = InferRequestMapper.StringParameter(request, ResponseParameters.RoutingKey)
                ?? (context.Request.Headers.TryGetValue(ResponseParameters.RoutingKeyHeader, out var key) ? key.ToString() : null),
            // For fair admission, as the gRPC front end: the connection or the operator's client header.
            Client = AdmissionClientKey.Of(context),
            Id = request.Id,
            Arrival = arrival,
            DecodeStart = arrival,
        };
    }

    /// <summary>The header's value; -1 (which the reader rejects with a message) when it is not a number.</summary>
    private static long? HeaderLength(HttpRequest request) =>
        request.Headers.TryGetValue(RestBinding.HeaderContentLength, out var value)
            ? long.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out long length) ? length : -1
            : null;

    private Model.EnsembleModel? Resolve(HttpContext context, out Task? error)
    {
        var (name, version) = RouteModel(context);
        var ensemble = engine.Resolve(name, version, out var routerError, out string? message);
        error = ensemble is null
            ? RestHttp.WriteErrorAsync(context.Response, RestStatus.Of(InferenceOutcome.Failed(routerError, message!), deadlinePassed: false).Status, message!)
            : null;
        return ensemble;
    }

    private static (string Name, string Version) RouteModel(HttpContext context) =>
        ((string?)context.Request.RouteValues["name"] ?? "", (string?)context.Request.RouteValues["version"] ?? "");

    private static string ServerVersion => typeof(RouterInferenceService).Assembly.GetName().Version?.ToString() ?? "0";

    private static partial class Log
    {
        [LoggerMessage(EventId = 620, EventName = "UnexpectedRestInferError", Level = LogLevel.Error, Message = "Unexpected error in REST infer of model {Model}; answered 500.")]
        public static partial void Unexpected(ILogger logger, string model, Exception exception);
    }
}
