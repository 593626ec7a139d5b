using Grpc.Core;

namespace EnsembleGrpc.Grpc.Server.Internal;

/// <summary>The handler's response stream: each write is serialized, framed and flushed by the call context.</summary>
internal sealed class HttpContextStreamWriter<T>(HttpServerCallContext context, Action<T, SerializationContext> serializer) : IServerStreamWriter<T>
{
    public WriteOptions? WriteOptions { get; set; }

    public Task WriteAsync(T message) => context.WriteStreamMessageAsync(message, serializer, WriteOptions);
}
