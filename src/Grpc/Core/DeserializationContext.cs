using System.Buffers;

namespace Grpc.Core;

/// <summary>One received message's payload, as a marshaller reads it.</summary>
public abstract class DeserializationContext
{
    public abstract int PayloadLength { get; }

    public virtual byte[] PayloadAsNewBuffer() => PayloadAsReadOnlySequence().ToArray();

    public abstract ReadOnlySequence<byte> PayloadAsReadOnlySequence();
}
