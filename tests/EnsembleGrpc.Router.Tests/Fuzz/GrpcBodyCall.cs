using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;

namespace EnsembleGrpc.Router.Tests.Fuzz;

/// <summary>
/// gRPC calls made by hand over h2c with any body and headers a generated client would never send: a mangled message,
/// a length prefix that lies, a compressed flag over garbage. The outcome is the grpc-status, or what the transport did
/// instead (an HTTP status without grpc-status, a reset stream).
/// </summary>
internal sealed class GrpcBodyCall(int port) : IDisposable
{
    private readonly HttpClient _client = new(new SocketsHttpHandler { EnableMultipleHttp2Connections = true }) { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The 5-byte gRPC prefix (flag, big-endian length) and the payload.</summary>
    public static byte[] Frame(byte[] payload, bool compressed = false, uint? declaredLength = null)
    {
        byte[] body = new byte[5 + payload.Length];
        body[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1), declaredLength ?? (uint)payload.Length);
        payload.CopyTo(body, 5);
        return body;
    }

    /// <summary>"grpc:&lt;code name&gt;", or "http:&lt;status&gt;" with no grpc-status, or "transport:&lt;exception&gt;".</summary>
    public async Task<string> PostAsync(string path, byte[] body, string? encoding = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}{path}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.ParseAdd("trailers");
        if (encoding is not null)
        {
            request.Headers.Add("grpc-encoding", encoding);
        }

        try
        {
            using var response = await _client.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            string? status = Header(response, "grpc-status");
            return status is null ? $"http:{(int)response.StatusCode}" : "grpc:" + ((Grpc.Core.StatusCode)int.Parse(status, System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (HttpRequestException ex)
        {
            return "transport:" + (ex.InnerException?.GetType().Name ?? ex.HttpRequestError.ToString());
        }
    }

    public void Dispose() => _client.Dispose();

    private static string? Header(HttpResponseMessage response, string name)
        => response.TrailingHeaders.TryGetValues(name, out var trailer) ? trailer.Single()
            : response.Headers.TryGetValues(name, out var header) ? header.Single() : null;
}
