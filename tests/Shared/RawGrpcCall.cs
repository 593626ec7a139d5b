using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;

namespace EnsembleGrpc.Tests.Shared;

/// <summary>
/// One unary gRPC call made by hand over h2c: a 5-byte prefix (not compressed, big-endian length) and the payload as it
/// is, so a test can send bytes no generated client would. One source file linked into each test project (tests/Shared).
/// </summary>
internal static class RawGrpcCall
{
    /// <summary>Posts <paramref name="payload"/> framed to <paramref name="path"/>; the grpc-status and decoded grpc-message.</summary>
    public static async Task<(string? Status, string? Message)> PostFramedAsync(int port, string path, byte[] payload)
    {
        byte[] body = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(body, 5);
        using var client = new HttpClient(new SocketsHttpHandler()) { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}{path}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.ParseAdd("trailers");
        using var response = await client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return (Header(response, "grpc-status"), Uri.UnescapeDataString(Header(response, "grpc-message") ?? ""));
    }

    private static string? Header(HttpResponseMessage response, string name)
        => response.TrailingHeaders.TryGetValues(name, out var trailer) ? trailer.Single()
            : response.Headers.TryGetValues(name, out var header) ? header.Single() : null;
}
