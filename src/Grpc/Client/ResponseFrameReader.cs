using System.Buffers;
using System.Runtime.CompilerServices;
using EnsembleGrpc.Grpc.Internal;

namespace EnsembleGrpc.Grpc.Client;

/// <summary>
/// Reads length-prefixed messages from a response body, one at a time, into a pooled buffer. Reads take whatever
/// the stream has (often several frames at once); the size limit is checked from the 5-byte prefix before the payload
/// is buffered. A payload is valid until the next read or <see cref="Dispose"/>.
/// </summary>
internal sealed class ResponseFrameReader : IDisposable
{
    private const int InitialBufferSize = 4096;

    private readonly Stream _stream;
    private readonly int _maxMessageSize;
    private byte[] _buffer;
    private int _start;   // first unconsumed byte
    private int _end;     // end of buffered bytes
    private int _pendingConsume;
    private bool _eof;

    public ResponseFrameReader(Stream stream, int maxMessageSize)
    {
        _stream = stream;
        _maxMessageSize = maxMessageSize;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
    }

    /// <summary>The compressed flag of the message just read.</summary>
    public bool Compressed { get; private set; }

    /// <summary>The payload of the message just read.</summary>
    public ReadOnlyMemory<byte> Payload { get; private set; }

    /// <summary>
    /// Reads the next message; false at the end of the body. A body that ends inside a frame, a bad prefix or an
    /// oversize message throws <see cref="FramingException"/>.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> ReadMessageAsync(CancellationToken cancellationToken)
    {
        _start += _pendingConsume;
        _pendingConsume = 0;
        Payload = default;

        while (_end - _start < GrpcProtocolConstants.HeaderSize)
        {
            if (!await FillAsync(GrpcProtocolConstants.HeaderSize, cancellationToken).ConfigureAwait(false))
            {
                if (_end == _start)
                {
                    return false;
                }

                throw new FramingException(FramingError.TruncatedMessage, "Incomplete message.");
            }
        }

        var header = MessageFraming.ParseHeader(_buffer.AsSpan(_start, GrpcProtocolConstants.HeaderSize), _maxMessageSize);
        var total = GrpcProtocolConstants.HeaderSize + header.Length;
        while (_end - _start < total)
        {
            if (!await FillAsync(total, cancellationToken).ConfigureAwait(false))
            {
                throw new FramingException(FramingError.TruncatedMessage, "Incomplete message.");
            }
        }

        Compressed = header.Compressed;
        Payload = _buffer.AsMemory(_start + GrpcProtocolConstants.HeaderSize, header.Length);
        _pendingConsume = total;
        return true;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        Payload = default;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads more bytes so that a frame of <paramref name="frameSize"/> bytes at _start can fit; false at EOF.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> FillAsync(int frameSize, CancellationToken cancellationToken)
    {
        if (_eof)
        {
            return false;
        }

        if (_start == _end)
        {
            _start = _end = 0;
        }

        if (_buffer.Length - _start < frameSize)
        {
            var buffered = _end - _start;
            if (_buffer.Length < frameSize)
            {
                // A large message: a buffer of its size, rented only once its prefix passed the limit.
                var bigger = ArrayPool<byte>.Shared.Rent(frameSize);
                _buffer.AsSpan(_start, buffered).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = bigger;
            }
            else
            {
                _buffer.AsSpan(_start, buffered).CopyTo(_buffer);
            }

            _start = 0;
            _end = buffered;
        }

        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            _eof = true;
            return false;
        }

        _end += read;
        return true;
    }
}
