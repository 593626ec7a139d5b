using System.Buffers;
using System.IO.Pipelines;
using EnsembleGrpc.Grpc.Internal;
using Grpc.Core;

namespace EnsembleGrpc.Grpc.Server.Internal;

/// <summary>
/// The <see cref="SerializationContext"/> a response marshaller writes into. On the hot path (no compression, no send
/// limit or a known length) the payload goes straight into the response <see cref="PipeWriter"/> behind a 5-byte prefix:
/// <list type="bullet">
/// <item>length known (<see cref="SetPayloadLength"/>, as generated protobuf code calls it): the prefix is written first;</item>
/// <item>length unknown: 5 bytes are reserved and filled in at <see cref="Complete()"/>. The reserved memory stays valid
/// because nothing flushes the pipe until the message is complete.</item>
/// </list>
/// Compression, or a send limit with an unknown length, buffers the payload first (the limit must be checked before
/// anything reaches the pipe, which cannot be un-written). Reused for every message of a call.
/// </summary>
internal sealed class ResponseSerializationContext : SerializationContext, IBufferWriter<byte>
{
    private static readonly Status SendLimitStatus = new(StatusCode.ResourceExhausted, "Sending message exceeds the maximum configured message size.");

    private PipeWriter _writer = null!;
    private int? _maxMessageSize;
    private bool _compress;
    private int _declaredLength;
    private int _written;
    private Memory<byte> _reservedPrefix;
    private ArrayBufferWriter<byte>? _buffer;
    private WriteMode _mode;
    private bool _completed;

    private enum WriteMode
    {
        None,
        Direct,
        Buffered,
    }

    /// <summary>True once any byte of this message reached the pipe: after a failure the response is then corrupt.</summary>
    public bool HasWrittenToPipe { get; private set; }

    /// <summary>Prepares for the next message.</summary>
    public void Reset(PipeWriter writer, int? maxMessageSize, bool compress)
    {
        _writer = writer;
        _maxMessageSize = maxMessageSize;
        _compress = compress;
        _declaredLength = -1;
        _written = 0;
        _reservedPrefix = default;
        _mode = WriteMode.None;
        _completed = false;
        HasWrittenToPipe = false;
    }

    /// <summary>Throws unless the marshaller finished the message (a serializer that forgets Complete is a bug, not an empty message).</summary>
    public void EnsureCompleted()
    {
        if (!_completed)
        {
            throw new InvalidOperationException("The response serializer did not complete the message.");
        }
    }

    public override void SetPayloadLength(int payloadLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        if (_mode != WriteMode.None)
        {
            throw new InvalidOperationException("SetPayloadLength must be called before GetBufferWriter.");
        }

        CheckLimit(payloadLength);
        _declaredLength = payloadLength;
    }

    public override IBufferWriter<byte> GetBufferWriter()
    {
        if (_mode != WriteMode.None)
        {
            return _mode == WriteMode.Direct ? this : _buffer!;
        }

        if (_compress || (_maxMessageSize is not null && _declaredLength < 0))
        {
            _mode = WriteMode.Buffered;
            _buffer ??= new ArrayBufferWriter<byte>();
            _buffer.ResetWrittenCount();
            return _buffer;
        }

        _mode = WriteMode.Direct;
        HasWrittenToPipe = true;
        if (_declaredLength >= 0)
        {
            MessageFraming.WriteHeader(_writer.GetSpan(GrpcProtocolConstants.HeaderSize), compressed: false, _declaredLength);
        }
        else
        {
            _reservedPrefix = _writer.GetMemory(GrpcProtocolConstants.HeaderSize)[..GrpcProtocolConstants.HeaderSize];
        }

        _writer.Advance(GrpcProtocolConstants.HeaderSize);
        return this;
    }

    public override void Complete()
    {
        switch (_mode)
        {
            case WriteMode.Direct:
                if (_declaredLength >= 0)
                {
                    if (_written != _declaredLength)
                    {
                        throw new InvalidOperationException($"The serializer declared {_declaredLength} bytes but wrote {_written}.");
                    }
                }
                else
                {
                    MessageFraming.WriteHeader(_reservedPrefix.Span, compressed: false, _written);
                    _reservedPrefix = default;
                }

                break;
            case WriteMode.Buffered:
                WritePayload(_buffer!.WrittenSpan);
                _buffer.ResetWrittenCount();
                break;
            default:
                // Complete() without a buffer writer: an empty message.
                WritePayload([]);
                break;
        }

        _completed = true;
    }

    public override void Complete(byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (_mode != WriteMode.None)
        {
            throw new InvalidOperationException("Complete(byte[]) cannot be mixed with GetBufferWriter.");
        }

        WritePayload(payload);
        _completed = true;
    }

    void IBufferWriter<byte>.Advance(int count)
    {
        _written += count;
        _writer.Advance(count);
    }

    Memory<byte> IBufferWriter<byte>.GetMemory(int sizeHint) => _writer.GetMemory(sizeHint);

    Span<byte> IBufferWriter<byte>.GetSpan(int sizeHint) => _writer.GetSpan(sizeHint);

    private void WritePayload(ReadOnlySpan<byte> payload)
    {
        CheckLimit(payload.Length);
        var compressed = false;
        if (_compress)
        {
            payload = GzipCodec.Compress(payload);
            compressed = true;
        }

        HasWrittenToPipe = true;
        MessageFraming.WriteHeader(_writer.GetSpan(GrpcProtocolConstants.HeaderSize), compressed, payload.Length);
        _writer.Advance(GrpcProtocolConstants.HeaderSize);
        // Write copies in segment-sized chunks, so a 4 MiB payload never asks the pipe for one huge buffer.
        _writer.Write(payload);
    }

    private void CheckLimit(int length)
    {
        if (length > _maxMessageSize)
        {
            throw new RpcException(SendLimitStatus);
        }
    }
}
