using EnsembleGrpc.Grpc.Internal;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Grpc.Server.Internal;

/// <summary>
/// The endpoint's <see cref="RequestDelegate"/> for one method: validates the request, sets up the call, runs it and,
/// when the client set a deadline, races it against the deadline so the client hears DEADLINE_EXCEEDED on time even
/// from a handler that ignores its token. Subclasses only read the request and invoke the handler.
/// </summary>
internal abstract partial class ServerCallHandlerBase<TRequest, TResponse>
    where TRequest : class
    where TResponse : class
{
    protected ServerCallHandlerBase(Method<TRequest, TResponse> method, GrpcServerRuntime runtime)
    {
        Method = method;
        Runtime = runtime;
        Deserializer = method.RequestMarshaller.ContextualDeserializer;
        Serializer = method.ResponseMarshaller.ContextualSerializer;
    }

    public Method<TRequest, TResponse> Method { get; }

    protected GrpcServerRuntime Runtime { get; }

    protected Func<DeserializationContext, TRequest> Deserializer { get; }

    protected Action<TResponse, SerializationContext> Serializer { get; }

    public Task HandleCallAsync(HttpContext httpContext)
    {
        if (!IsValidRequest(httpContext))
        {
            return Task.CompletedTask;
        }

        // The frame prefix enforces MaxReceiveMessageSize per message; Kestrel's whole-body limit (30 MB) would
        // wrongly cap long client streams and report a generic error instead of RESOURCE_EXHAUSTED.
        if (httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = null;
        }

        // A client stream may rightly sit idle between messages; Kestrel's minimum body data rate would abort it.
        if (Method.Type is MethodType.ClientStreaming or MethodType.DuplexStreaming
            && httpContext.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } minRate)
        {
            minRate.MinDataRate = null;
        }

        var context = new HttpServerCallContext(httpContext, Method.FullName, Runtime);
        context.Initialize();
        // Without a deadline there is nothing to race or dispose: no extra state machine on the hot path.
        return context.HasDeadline ? RunWithDeadlineAsync(context) : RunCallAsync(context);
    }

    /// <summary>Reads the request, invokes the handler and completes the call. Never throws: failures become statuses.</summary>
    protected abstract Task RunCallAsync(HttpServerCallContext context);

    protected GrpcMessageReader CreateMessageReader(HttpServerCallContext context)
    {
        var request = context.HttpContext.Request;
        return new GrpcMessageReader(request.BodyReader, Runtime.MaxReceiveMessageSize, request.Headers);
    }

    /// <summary>Token for reading the request: without a deadline Kestrel fails the read on abort by itself.</summary>
    protected static CancellationToken ReadToken(HttpServerCallContext context) => context.HasDeadline ? context.CancellationToken : default;

    private async Task RunWithDeadlineAsync(HttpServerCallContext context)
    {
        try
        {
            var call = RunCallAsync(context);
            await Task.WhenAny(call, context.DeadlineReached).ConfigureAwait(false);

            // Decided by who closed the gate, not by which task finished first: when the deadline took it, the
            // handler's own completion was discarded (it may even have returned before DeadlineReached was set).
            if (context.CompletedByDeadline)
            {
                await context.CompleteDeadlineExceededAsync().ConfigureAwait(false);
            }

            // Wait for the handler even after answering: the HttpContext must outlive everything that uses it.
            await call.ConfigureAwait(false);
        }
        finally
        {
            context.Dispose();
        }
    }

    private bool IsValidRequest(HttpContext httpContext)
    {
        var request = httpContext.Request;
        if (!HttpProtocol.IsHttp2(request.Protocol) && !HttpProtocol.IsHttp3(request.Protocol))
        {
            Log.UnsupportedProtocol(Runtime.Logger, request.Protocol, Method.FullName);
            GrpcResponses.WriteTrailersOnly(httpContext, StatusCodes.Status426UpgradeRequired, StatusCode.Internal, $"Request protocol '{request.Protocol}' is not supported.");
            httpContext.Response.Headers.Upgrade = "HTTP/2";
            return false;
        }

        var contentType = request.ContentType;
        if (!GrpcProtocolConstants.IsGrpcContentType(contentType))
        {
            Log.UnsupportedContentType(Runtime.Logger, contentType, Method.FullName);
            GrpcResponses.WriteTrailersOnly(httpContext, StatusCodes.Status415UnsupportedMediaType, StatusCode.Internal, $"Content-Type '{contentType}' is not supported.");
            return false;
        }

        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 20, EventName = "UnsupportedProtocol", Level = LogLevel.Information, Message = "Rejected {Method}: request protocol '{Protocol}' is not supported.")]
        public static partial void UnsupportedProtocol(ILogger logger, string protocol, string method);

        [LoggerMessage(EventId = 21, EventName = "UnsupportedContentType", Level = LogLevel.Information, Message = "Rejected {Method}: Content-Type '{ContentType}' is not supported.")]
        public static partial void UnsupportedContentType(ILogger logger, string? contentType, string method);
    }
}
