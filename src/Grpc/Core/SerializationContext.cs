using System.Buffers;

namespace Grpc.Core;

/// <summary>Where a marshaller writes one message: either a whole array, or a buffer writer then Complete().</summary>
public abstract class SerializationContext
{
    public virtual void Complete(byte[] payload) => throw new NotImplementedException();

    public virtual IBufferWriter<byte> GetBufferWriter() => throw new NotImplementedException();

    /// <summary>A hint so the writer can size its buffer (and write the length prefix up front).</summary>
    public virtual void SetPayloadLength(int payloadLength)
    {
    }

    public virtual void Complete() => throw new NotImplementedException();
}
