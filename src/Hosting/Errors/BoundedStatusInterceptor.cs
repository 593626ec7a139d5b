using Grpc.Core;
using Grpc.Core.Interceptors;

namespace EnsembleGrpc.Hosting.Errors;

/// <summary>
/// The one place every status a service throws passes through on its way out: a message longer than
/// <see cref="StatusMessages.MaxBytes"/> is cut (code and trailers kept). Handlers keep writing plain messages.
/// </summary>
public sealed class BoundedStatusInterceptor : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        Task<TResponse> call;
        try
        {
            call = continuation(request, context);
        }
        catch (RpcException ex) when (IsTooLong(ex))
        {
            throw Bounded(ex);
        }

        // The common case, an answer, passes through without an extra async frame; only a failure is looked at.
        return call.IsCompletedSuccessfully ? call : AwaitUnary(call);
    }

    private static async Task<TResponse> AwaitUnary<TResponse>(Task<TResponse> call)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (RpcException ex) when (IsTooLong(ex))
        {
            throw Bounded(ex);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            return await continuation(requestStream, context).ConfigureAwait(false);
        }
        catch (RpcException ex) when (IsTooLong(ex))
        {
            throw Bounded(ex);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
        }
        catch (RpcException ex) when (IsTooLong(ex))
        {
            throw Bounded(ex);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
        }
        catch (RpcException ex) when (IsTooLong(ex))
        {
            throw Bounded(ex);
        }
    }

    private static bool IsTooLong(RpcException ex) => !ReferenceEquals(StatusMessages.Bound(ex.Status.Detail), ex.Status.Detail);

    private static RpcException Bounded(RpcException ex)
        => new(new Status(ex.StatusCode, StatusMessages.Bound(ex.Status.Detail)), ex.Trailers);
}
