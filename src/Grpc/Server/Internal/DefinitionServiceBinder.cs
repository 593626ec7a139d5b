using Grpc.Core;

namespace EnsembleGrpc.Grpc.Server.Internal;

/// <summary>Binds a pre-built <see cref="ServerServiceDefinition"/>: its handlers are already closed over their service.</summary>
internal sealed class DefinitionServiceBinder(GrpcEndpointMapper mapper) : ServiceBinderBase
{
    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
    {
        var h = handler ?? throw MissingHandler(method);
        mapper.Map(method, new UnaryServerCallHandler<TRequest, TResponse>(method, mapper.Runtime, (request, context) => h(request, context)).HandleCallAsync);
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
    {
        var h = handler ?? throw MissingHandler(method);
        mapper.Map(method, new ServerStreamingServerCallHandler<TRequest, TResponse>(method, mapper.Runtime, (request, stream, context) => h(request, stream, context)).HandleCallAsync);
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
    {
        var h = handler ?? throw MissingHandler(method);
        mapper.Map(method, new ClientStreamingServerCallHandler<TRequest, TResponse>(method, mapper.Runtime, (stream, context) => h(stream, context)).HandleCallAsync);
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
    {
        var h = handler ?? throw MissingHandler(method);
        mapper.Map(method, new DuplexStreamingServerCallHandler<TRequest, TResponse>(method, mapper.Runtime, (requests, responses, context) => h(requests, responses, context)).HandleCallAsync);
    }

    private static InvalidOperationException MissingHandler(IMethod method) => new($"The service definition has no handler for {method.FullName}.");
}
