using Grpc.Core;

namespace EnsembleGrpc.Hosting.Errors;

/// <summary>
/// A read-only decompression stream whose failures are gRPC statuses: Grpc.AspNetCore decompresses a request message
/// before any deserializer or interceptor runs and sends an <see cref="RpcException"/> thrown there as it is, but any
/// other exception (the decoder's <see cref="InvalidDataException"/>) as UNKNOWN.
/// </summary>
internal sealed class CheckedDecompressionStream(Stream inner, string encoding, long maxBytes) : Stream
{
    private long _produced;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _produced;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = inner.Read(buffer);
        }
        catch (InvalidDataException)
        {
            // The decoder's words say nothing useful to a client; the encoding and the fact do.
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"the request message could not be decompressed as {encoding}"));
        }

        _produced += read;
        if (_produced > maxBytes)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"the request message decompresses to more than the largest accepted ({maxBytes} bytes)"));
        }

        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
