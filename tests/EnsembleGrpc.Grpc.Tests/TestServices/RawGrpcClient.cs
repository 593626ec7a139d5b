using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using EnsembleGrpc.Grpc.Internal;
using Google.Protobuf;

namespace EnsembleGrpc.Grpc.Tests.TestServices;

/// <summary>
/// gRPC by hand over HTTP/2 (SocketsHttpHandler, prior knowledge), for testing the server without our client: the
/// test builds the exact frames and headers and sees the exact response headers and trailers.
/// </summary>
public sealed class RawGrpcClient(string address) : IDisposable
{
    private readonly HttpMessageInvoker _invoker = new(new SocketsHttpHandler { EnableMultipleHttp2Connections = true });

    public static byte[] Frame(ReadOnlySpan<byte> payload, bool compressed = false)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame.AsSpan(5));
        return frame;
    }

    public static byte[] Frame(IMessage message) => Frame(message.ToByteArray());

    /// <summary>A gRPC POST to <paramref name="path"/> ("/package.Service/Method") with the standard headers.</summary>
    public HttpRequestMessage CreateRequest(string path, HttpContent content, string? contentType = GrpcProtocolConstants.ContentType)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, address + path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        return request;
    }

    /// <summary>Sends a complete body and reads the whole response (so the trailers are there).</summary>
    public Task<RawGrpcResponse> CallAsync(string path, byte[] body, Action<HttpRequestMessage>? configure = null, CancellationToken cancellationToken = default)
    {
        var request = CreateRequest(path, new ByteArrayContent(body));
        configure?.Invoke(request);
        return SendAsync(request, cancellationToken);
    }

    public async Task<RawGrpcResponse> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        using var response = await _invoker.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new RawGrpcResponse(response.StatusCode, response.Headers, response.Content.Headers, response.TrailingHeaders, body);
    }

    /// <summary>Sends the request and returns as soon as the response headers arrive (the body still streaming).</summary>
    public Task<HttpResponseMessage> SendHeadersAsync(HttpRequestMessage request, CancellationToken cancellationToken = default) =>
        _invoker.SendAsync(request, cancellationToken);

    public void Dispose() => _invoker.Dispose();
}
