using Grpc.Core;

namespace EnsembleGrpc.Grpc.Server.Internal;

// How a call handler reaches the service method, one shape per method type. Built once at bind time: either around a
// ServerServiceDefinition's handler, or around an open delegate to TService's method that resolves the instance per call.

internal delegate Task<TResponse> UnaryMethodInvoker<TRequest, TResponse>(TRequest request, HttpServerCallContext context);

internal delegate Task ServerStreamingMethodInvoker<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, HttpServerCallContext context);

internal delegate Task<TResponse> ClientStreamingMethodInvoker<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, HttpServerCallContext context);

internal delegate Task DuplexStreamingMethodInvoker<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, HttpServerCallContext context);
