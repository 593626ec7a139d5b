using System.Buffers;
using System.Globalization;
using System.Reflection;
using EnsembleGrpc.Hosting.Rest;
using EnsembleGrpc.InferenceServer.Inference;
using EnsembleGrpc.InferenceServer.Repository;
using EnsembleGrpc.Protocol.Rest;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.InferenceServer.Frontend.Rest;

/// <summary>
/// The worker's REST binding of the Open Inference Protocol (KServe v2 HTTP/JSON, as Triton serves it). A REST body
/// becomes the protocol's request (<see cref="RestInferRequestReader"/>) and then takes the gRPC path exactly: the
/// same decoder checks it, the same scheduler runs it, the same encoder answers it; errors carry the same messages
/// with the statuses of <see cref="RestStatus"/>.
/// </summary>
public sealed partial class WorkerRestApi(ModelManager models, TimeProvider time, ILogger<WorkerRestApi> logger) : IOpenInferenceRestApi
{
    /// <summary>Extensions of the REST binding (Triton's names), in <c>GET /v2</c>.</summary>
    public static readonly IReadOnlyList<string> Extensions = ["binary_tensor_data", "model_configuration", "model_repository", "statistics"];

    private static readonly JsonFormatter ConfigFormatter = new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true));

    private static readonly string ServerVersion =
        typeof(InferenceService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public Task LiveAsync(HttpContext context)
    {
        RestHttp.WriteVerdict(context.Response, true);
        return Task.CompletedTask;
    }

    public Task ReadyAsync(HttpContext context)
    {
        RestHttp.WriteVerdict(context.Response, models.AllReady);
        return Task.CompletedTask;
    }

    public Task ServerMetadataAsync(HttpContext context) =>
        RestHttp.WriteJsonAsync(context.Response, new RestServerMetadata(InferenceService.ServerName, ServerVersion, Extensions), RestJsonContext.Web.RestServerMetadata);

    public Task ModelMetadataAsync(HttpContext context)
    {
        var model = Find(context, out var error);
        return model is null ? error!
            : model.Definition is { } definition ? RestHttp.WriteJsonAsync(context.Response, RestModelMetadata.From(MetadataMapping.ToMetadata(definition)), RestJsonContext.Web.RestModelMetadata)
            : WriteErrorAsync(context, model.NotReadyError());
    }

    public Task ModelReadyAsync(HttpContext context)
    {
        var model = Find(context, out var error);
        if (model is null)
        {
            return error!;
        }

        RestHttp.WriteVerdict(context.Response, model.IsReady);
        return Task.CompletedTask;
    }

    /// <summary>Triton's <c>GET /v2/models/{name}/config</c>: the ModelConfig extension's message in protobuf's JSON form.</summary>
    public Task ModelConfigAsync(HttpContext context)
    {
        var model = Find(context, out var error);
        if (model is null)
        {
            return error!;
        }

        if (model.Definition is not { } definition)
        {
            return WriteErrorAsync(context, model.NotReadyError());
        }

        string json = ConfigFormatter.Format(TritonModelConfig.For(definition, model.Policy));
        return RestHttp.WriteBodyAsync(context.Response, StatusCodes.Status200OK, System.Text.Encoding.UTF8.GetBytes(json), RestHttp.JsonContentType);
    }

    /// <summary>Triton's <c>POST /v2/repository/index</c>: every model with its state.</summary>
    public Task RepositoryIndexAsync(HttpContext context) =>
        RestHttp.WriteJsonAsync(context.Response, RestRepositoryIndexEntry.From(TritonModelConfig.Index(models.Models, readyOnly: false)), RestJsonContext.Web.IReadOnlyListRestRepositoryIndexEntry);

    public async Task InferAsync(HttpContext context)
    {
        long arrival = time.GetTimestamp();
        var (name, version) = RouteModel(context);
        try
        {
            var body = await RestHttp.ReadBodyAsync(context.Request).ConfigureAwait(false);
            var model = Find(context, out var notFound);
            if (model is null)
            {
                await notFound!.ConfigureAwait(false);
                return;
            }

            if (!model.IsReady || model.Definition is not { } definition)
            {
                await WriteErrorAsync(context, model.NotReadyError()).ConfigureAwait(false);
                return;
            }

            var request = RestInferRequestReader.TryRead(body, HeaderLength(context.Request), name, version, out var choice, out string? readError);
            InferenceRequest? decoded = null;
            var invalid = request is null
                ? InferenceError.InvalidArgument(readError!)
                : InferRequestDecoder.TryDecode(request, definition, new RequestContext(null, context.RequestAborted, arrival), out decoded, out _);
            if (invalid is not null)
            {
                model.RecordRejected(arrival);
                await WriteErrorAsync(context, invalid).ConfigureAwait(false);
                return;
            }

            var outcome = await model.InferAsync(decoded!).ConfigureAwait(false);
            if (!outcome.IsSuccess)
            {
                await WriteErrorAsync(context, outcome.Error!).ConfigureAwait(false);
                return;
            }

            // Raw contents: the writer turns them into JSON arrays or binary data, whichever the client asked for.
            var buffer = new ArrayBufferWriter<byte>();
            long jsonLength = RestInferResponseWriter.Write(buffer, InferResponseEncoder.Encode(decoded!, outcome.Outputs!, raw: true), choice);
            if (choice.AnyBinary)
            {
                context.Response.Headers[RestBinding.HeaderContentLength] = jsonLength.ToString(CultureInfo.InvariantCulture);
            }

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
            Log.Unexpected(logger, name, ex);
            if (!context.Response.HasStarted)
            {
                await WriteErrorAsync(context, InferenceError.Internal("infer failed unexpectedly; see the worker's log")).ConfigureAwait(false);
            }
        }
    }

    private ModelState? Find(HttpContext context, out Task? error)
    {
        var (name, version) = RouteModel(context);
        var notFound = models.Resolve(name, version, out var model);
        error = notFound is null ? null : WriteErrorAsync(context, notFound);
        return model;
    }

    private static Task WriteErrorAsync(HttpContext context, InferenceError error) =>
        RestHttp.WriteErrorAsync(context.Response, RestStatus.Of(error.Code), error.Message);

    /// <summary>The header's value; -1 (which the reader rejects with a message) when it is not a number.</summary>
    private static long? HeaderLength(HttpRequest request) =>
        request.Headers.TryGetValue(RestBinding.HeaderContentLength, out var value)
            ? long.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out long length) ? length : -1
            : null;

    private static (string Name, string Version) RouteModel(HttpContext context) =>
        ((string?)context.Request.RouteValues["name"] ?? "", (string?)context.Request.RouteValues["version"] ?? "");

    private static partial class Log
    {
        [LoggerMessage(EventId = 210, Level = LogLevel.Error, Message = "REST infer of model {Model} failed unexpectedly")]
        public static partial void Unexpected(ILogger logger, string model, Exception exception);
    }
}
