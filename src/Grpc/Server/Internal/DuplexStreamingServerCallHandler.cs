using Grpc.Core;

namespace EnsembleGrpc.Grpc.Server.Internal;

/// <summary>Request and response streams at once; the status follows in trailers when the handler returns.</summary>
internal sealed class DuplexStreamingServerCallHandler<TRequest, TResponse>(Method<TRequest, TResponse> method, GrpcServerRuntime runtime, DuplexStreamingMethodInvoker<TRequest, TResponse> invoker)
    : ServerCallHandlerBase<TRequest, TResponse>(method, runtime)
    where TRequest : class
    where TResponse : class
{
    protected override async Task RunCallAsync(HttpServerCallContext context)
    {
        try
        {
            var requestStream = new HttpContextStreamReader<TRequest>(context, CreateMessageReader(context), Deserializer);
            await invoker(requestStream, new HttpContextStreamWriter<TResponse>(context, Serializer), context).ConfigureAwait(false);
            await context.CompleteStreamingAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await context.CompleteWithExceptionAsync(ex).ConfigureAwait(false);
        }
    }
}
