using Grpc.Core;

namespace EnsembleGrpc.Grpc.Server.Internal;

/// <summary>One request message in, a flushed stream of responses out, then the status in trailers.</summary>
internal sealed class ServerStreamingServerCallHandler<TRequest, TResponse>(Method<TRequest, TResponse> method, GrpcServerRuntime runtime, ServerStreamingMethodInvoker<TRequest, TResponse> invoker)
    : ServerCallHandlerBase<TRequest, TResponse>(method, runtime)
    where TRequest : class
    where TResponse : class
{
    protected override async Task RunCallAsync(HttpServerCallContext context)
    {
        try
        {
            var request = await CreateMessageReader(context).ReadSingleMessageAsync(Deserializer, ReadToken(context)).ConfigureAwait(false);
            await invoker(request, new HttpContextStreamWriter<TResponse>(context, Serializer), context).ConfigureAwait(false);
            await context.CompleteStreamingAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await context.CompleteWithExceptionAsync(ex).ConfigureAwait(false);
        }
    }
}
