using System.Buffers;
using Grpc.Core;

namespace EnsembleGrpc.Grpc.Client;

/// <summary>One received payload as a marshaller reads it; valid only during the deserializer call.</summary>
internal sealed class ClientDeserializationContext : DeserializationContext
{
    private ReadOnlyMemory<byte> _payload;

    public override int PayloadLength => _payload.Length;

    public void SetPayload(ReadOnlyMemory<byte> payload) => _payload = payload;

    public override byte[] PayloadAsNewBuffer() => _payload.ToArray();

    public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => new(_payload);
}
