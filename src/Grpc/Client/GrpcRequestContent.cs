using System.Net;
using System.Net.Http;

namespace EnsembleGrpc.Grpc.Client;

/// <summary>
/// The request body: one already framed message, written to the HTTP/2 stream as is. The array is owned by the call
/// and never pooled, so a body still being written when the call ends (the server answered early) cannot be
/// corrupted, and a refused stream can be sent again with the same bytes.
/// </summary>
internal sealed class GrpcRequestContent : HttpContent
{
    private readonly byte[] _frame;

    public GrpcRequestContent(byte[] frame)
    {
        _frame = frame;
        // Set without parsing; a shared MediaTypeHeaderValue would be mutable state shared across calls.
        Headers.TryAddWithoutValidation("Content-Type", Internal.GrpcProtocolConstants.ContentType);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        stream.WriteAsync(_frame, 0, _frame.Length);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        stream.WriteAsync(_frame, 0, _frame.Length, cancellationToken);

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        stream.Write(_frame, 0, _frame.Length);

    // gRPC needs no content-length (the frames carry lengths) and grpc-dotnet sends none.
    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
