using Grpc.Core;

namespace EnsembleGrpc.Grpc.Server.Internal;

/// <summary>A stream of request messages in, one response message out.</summary>
internal sealed class ClientStreamingServerCallHandler<TRequest, TResponse>(Method<TRequest, TResponse> method, GrpcServerRuntime runtime, ClientStreamingMethodInvoker<TRequest, TResponse> invoker)
    : ServerCallHandlerBase<TRequest, TResponse>(method, runtime)
    where TRequest : class
    where TResponse : class
{
    protected override async Task RunCallAsync(HttpServerCallContext context)
    {
        try
        {
            var requestStream = new HttpContextStreamReader<TRequest>(context, CreateMessageReader(context), Deserializer);
            var response = await invoker(requestStream, context).ConfigureAwait(false);
            await context.CompleteWithResponseAsync(response, Serializer).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await context.CompleteWithExceptionAsync(ex).ConfigureAwait(false);
        }
    }
}
