using System.Buffers;
using System.IO.Pipelines;
using EnsembleGrpc.Grpc.Internal;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace EnsembleGrpc.Grpc.Server.Internal;

/// <summary>
/// Reads length-prefixed request messages from the request body pipe. It is also the
/// <see cref="DeserializationContext"/> handed to the marshaller: the payload is a slice of the pipe's buffers, so a
/// contextual deserializer (generated protobuf code) parses in place without copying. One instance per call.
/// Errors surface as <see cref="FramingException"/> or <see cref="RpcException"/> carrying the status for the client.
/// </summary>
internal sealed class GrpcMessageReader : DeserializationContext
{
    private static readonly Status AdditionalDataStatus = new(StatusCode.Internal, "Additional data after the message received.");
    private static readonly Status CancelledReadStatus = new(StatusCode.Internal, "Incoming message cancelled.");

    private readonly PipeReader _reader;
    private readonly int _maxMessageSize;
    private readonly IHeaderDictionary _requestHeaders;
    private ReadOnlySequence<byte> _payload;

    /// <param name="reader">The request body.</param>
    /// <param name="maxMessageSize">Receive limit; int.MaxValue for none.</param>
    /// <param name="requestHeaders">Read for <c>grpc-encoding</c> only when a compressed message arrives.</param>
    public GrpcMessageReader(PipeReader reader, int maxMessageSize, IHeaderDictionary requestHeaders)
    {
        _reader = reader;
        _maxMessageSize = maxMessageSize;
        _requestHeaders = requestHeaders;
    }

    public override int PayloadLength => checked((int)_payload.Length);

    public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => _payload;

    /// <summary>
    /// Reads the one message of a unary or server-streaming request and checks that nothing follows it (the body must
    /// end after exactly one message: none is "Incomplete message.", more is "Additional data...").
    /// </summary>
    public async ValueTask<T> ReadSingleMessageAsync<T>(Func<DeserializationContext, T> deserializer, CancellationToken cancellationToken)
    {
        var haveMessage = false;
        T message = default!;
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            try
            {
                if (result.IsCanceled)
                {
                    throw new RpcException(CancelledReadStatus);
                }

                if (!buffer.IsEmpty)
                {
                    if (haveMessage)
                    {
                        throw new RpcException(AdditionalDataStatus);
                    }

                    if (MessageFraming.TryReadMessage(buffer, _maxMessageSize, out var header, out var payload, out consumed))
                    {
                        message = Deserialize(header, payload, deserializer);
                        haveMessage = true;
                        if (!buffer.Slice(consumed).IsEmpty)
                        {
                            throw new RpcException(AdditionalDataStatus);
                        }
                    }
                }

                if (result.IsCompleted)
                {
                    if (haveMessage)
                    {
                        return message;
                    }

                    throw Incomplete();
                }
            }
            finally
            {
                // Everything up to the end has been looked at: wait for more data rather than re-parsing a partial frame.
                _reader.AdvanceTo(consumed, buffer.End);
            }
        }
    }

    /// <summary>
    /// Reads the next message of a streaming request; false at a clean end of the body. A body that ends inside a
    /// message is "Incomplete message.".
    /// </summary>
    public async ValueTask<(bool HasMessage, T? Message)> ReadNextMessageAsync<T>(Func<DeserializationContext, T> deserializer, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (result.IsCanceled)
            {
                _reader.AdvanceTo(buffer.Start);
                throw new RpcException(CancelledReadStatus);
            }

            FrameHeader header;
            ReadOnlySequence<byte> payload;
            SequencePosition consumed;
            try
            {
                if (!MessageFraming.TryReadMessage(buffer, _maxMessageSize, out header, out payload, out consumed))
                {
                    consumed = buffer.Start;
                }
            }
            catch
            {
                _reader.AdvanceTo(buffer.Start, buffer.End);
                throw;
            }

            if (!consumed.Equals(buffer.Start))
            {
                try
                {
                    return (true, Deserialize(header, payload, deserializer));
                }
                finally
                {
                    // Examined only up to the message: the next read returns what follows without waiting.
                    _reader.AdvanceTo(consumed);
                }
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                if (buffer.IsEmpty)
                {
                    return (false, default);
                }

                throw Incomplete();
            }
        }
    }

    private static FramingException Incomplete() => new(FramingError.TruncatedMessage, "Incomplete message.");

    private T Deserialize<T>(FrameHeader header, in ReadOnlySequence<byte> payload, Func<DeserializationContext, T> deserializer)
    {
        _payload = header.Compressed ? new ReadOnlySequence<byte>(Decompress(payload)) : payload;
        try
        {
            return deserializer(this);
        }
        finally
        {
            // The pipe's buffers are released right after this; never keep a view on them.
            _payload = default;
        }
    }

    private byte[] Decompress(in ReadOnlySequence<byte> payload)
    {
        var encoding = _requestHeaders[GrpcProtocolConstants.EncodingHeader].ToString();
        if (encoding.Length == 0)
        {
            throw new FramingException(FramingError.CompressedWithoutEncoding, "Request did not include grpc-encoding value with compressed message.");
        }

        if (string.Equals(encoding, GrpcProtocolConstants.IdentityEncoding, StringComparison.Ordinal))
        {
            throw new FramingException(FramingError.CompressedWithoutEncoding, "Request sent 'identity' grpc-encoding value with compressed message.");
        }

        if (!string.Equals(encoding, GrpcProtocolConstants.GzipEncoding, StringComparison.Ordinal))
        {
            throw new FramingException(FramingError.UnsupportedEncoding, $"Unsupported grpc-encoding value '{encoding}'. Supported encodings: {GrpcProtocolConstants.SupportedEncodings}");
        }

        return GzipCodec.Decompress(payload, _maxMessageSize);
    }
}
