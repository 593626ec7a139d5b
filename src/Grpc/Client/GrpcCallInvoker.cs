using Grpc.Core;

namespace EnsembleGrpc.Grpc.Client;

/// <summary>Starts calls on a <see cref="GrpcChannel"/>: one <see cref="GrpcCall{TRequest, TResponse}"/> per call.</summary>
internal sealed class GrpcCallInvoker(GrpcChannel channel) : CallInvoker
{
    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        // No AsyncUnaryCall wrapper, no response-headers task: nobody can ask for them.
        var call = new GrpcCall<TRequest, TResponse>(channel, method, options, exposeHeaders: false);
        return call.RunUnaryAsync(request).GetAwaiter().GetResult();
    }

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        var call = new GrpcCall<TRequest, TResponse>(channel, method, options, exposeHeaders: true);
        var response = call.RunUnaryAsync(request);
        return new AsyncUnaryCall<TResponse>(response, call.ResponseHeadersTask!, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        var call = new GrpcCall<TRequest, TResponse>(channel, method, options, exposeHeaders: true);
        call.StartServerStreaming(request);
        return new AsyncServerStreamingCall<TResponse>(new ClientResponseStream<TRequest, TResponse>(call), call.ResponseHeadersTask!, call.GetStatus, call.GetTrailers, call.Dispose);
    }
}
