using Grpc.Core;

namespace EnsembleGrpc.Grpc.Server.Internal;

/// <summary>One request message in, one response message out; the response is written without a flush.</summary>
internal sealed class UnaryServerCallHandler<TRequest, TResponse>(Method<TRequest, TResponse> method, GrpcServerRuntime runtime, UnaryMethodInvoker<TRequest, TResponse> invoker)
    : ServerCallHandlerBase<TRequest, TResponse>(method, runtime)
    where TRequest : class
    where TResponse : class
{
    protected override async Task RunCallAsync(HttpServerCallContext context)
    {
        try
        {
            var request = await CreateMessageReader(context).ReadSingleMessageAsync(Deserializer, ReadToken(context)).ConfigureAwait(false);
            var response = await invoker(request, context).ConfigureAwait(false);
            await context.CompleteWithResponseAsync(response, Serializer).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await context.CompleteWithExceptionAsync(ex).ConfigureAwait(false);
        }
    }
}
