using System.Buffers;
using EnsembleGrpc.Grpc.Internal;
using Grpc.Core;

namespace EnsembleGrpc.Grpc.Client;

/// <summary>
/// Serializes one request into a framed array: the 5-byte prefix then the payload. When the marshaller announces the
/// payload length (generated protobuf marshallers do), the array is allocated once at its exact size and the message
/// is written straight into it. Otherwise the payload grows in a pooled scratch buffer and is copied once at the end.
/// One instance per thread, reused: serialization is synchronous.
/// </summary>
internal sealed class ClientSerializationContext : SerializationContext, IBufferWriter<byte>
{
    [ThreadStatic]
    private static ClientSerializationContext? t_cached;

    private byte[]? _frame;          // exact-size frame when the length was announced
    private byte[]? _scratch;        // pooled growth buffer otherwise (starts after the prefix)
    private int _written;            // payload bytes written
    private bool _completed;
    private byte[]? _result;

    /// <summary>Takes this thread's instance (or a new one while it is in use, e.g. by a re-entrant marshaller).</summary>
    public static ClientSerializationContext Rent()
    {
        var context = t_cached ?? new ClientSerializationContext();
        t_cached = null;
        return context;
    }

    public static void Return(ClientSerializationContext context)
    {
        context.Reset();
        t_cached = context;
    }

    /// <summary>Runs the marshaller and returns the framed (uncompressed) message.</summary>
    public byte[] Serialize<T>(Marshaller<T> marshaller, T message)
    {
        marshaller.ContextualSerializer(message, this);
        if (!_completed)
        {
            throw new InvalidOperationException("The request marshaller did not complete the serialization context.");
        }

        return _result!;
    }

    /// <summary>The payload length written in a frame produced by <see cref="Serialize{T}"/>.</summary>
    public static int PayloadLength(byte[] frame) => frame.Length - GrpcProtocolConstants.HeaderSize;

    public override void SetPayloadLength(int payloadLength)
    {
        if (_written == 0 && _frame is null && payloadLength >= 0)
        {
            _frame = GC.AllocateUninitializedArray<byte>(GrpcProtocolConstants.HeaderSize + payloadLength);
        }
    }

    public override IBufferWriter<byte> GetBufferWriter() => this;

    public override void Complete(byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var frame = GC.AllocateUninitializedArray<byte>(GrpcProtocolConstants.HeaderSize + payload.Length);
        payload.CopyTo(frame.AsSpan(GrpcProtocolConstants.HeaderSize));
        Finish(frame, payload.Length);
    }

    public override void Complete()
    {
        if (_frame is not null && _written == _frame.Length - GrpcProtocolConstants.HeaderSize)
        {
            Finish(_frame, _written);
            return;
        }

        // Length not announced, or the announcement was wrong: copy what was written once.
        var frame = GC.AllocateUninitializedArray<byte>(GrpcProtocolConstants.HeaderSize + _written);
        CurrentPayload().CopyTo(frame.AsSpan(GrpcProtocolConstants.HeaderSize));
        Finish(frame, _written);
    }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_frame is not null && _scratch is null)
        {
            var free = _frame.Length - GrpcProtocolConstants.HeaderSize - _written;
            if (free >= needed || (sizeHint == 0 && free > 0))
            {
                return _frame.AsMemory(GrpcProtocolConstants.HeaderSize + _written);
            }

            // The announced length was too small: move what we have to a growable buffer.
            GrowScratch(_written + needed);
            _frame.AsSpan(GrpcProtocolConstants.HeaderSize, _written).CopyTo(_scratch);
            _frame = null;
        }
        else if (_scratch is null || _scratch.Length - _written < needed)
        {
            GrowScratch(_written + Math.Max(needed, 256));
        }

        return _scratch.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    private ReadOnlySpan<byte> CurrentPayload() =>
        _scratch is not null ? _scratch.AsSpan(0, _written) :
        _frame is not null ? _frame.AsSpan(GrpcProtocolConstants.HeaderSize, _written) : default;

    private void GrowScratch(int minimum)
    {
        var next = ArrayPool<byte>.Shared.Rent(Math.Max(minimum, (_scratch?.Length ?? 0) * 2));
        if (_scratch is not null)
        {
            _scratch.AsSpan(0, _written).CopyTo(next);
            ArrayPool<byte>.Shared.Return(_scratch);
        }

        _scratch = next;
    }

    private void Finish(byte[] frame, int payloadLength)
    {
        MessageFraming.WriteHeader(frame, compressed: false, payloadLength);
        _result = frame;
        _completed = true;
    }

    private void Reset()
    {
        if (_scratch is not null)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = null;
        }

        _frame = null;
        _result = null;
        _written = 0;
        _completed = false;
    }
}
