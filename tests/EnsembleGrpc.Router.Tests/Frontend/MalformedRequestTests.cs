using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Hosting;
using EnsembleGrpc.Router.Tests.Hosting;
using EnsembleGrpc.Router.Tests.Support;
using Grpc.Net.Client;

namespace EnsembleGrpc.Router.Tests.Frontend;

/// <summary>
/// A correctly framed gRPC message whose bytes are not a ModelInferRequest, sent as a raw HTTP/2 call: the router says
/// INVALID_ARGUMENT (not UNKNOWN) and keeps serving.
/// </summary>
public sealed class MalformedRequestTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    public static TheoryData<byte[]> Garbage => [[0x0F, 0x01, 0x02], [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]];

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task Garbage_in_a_framed_ModelInfer_gets_invalid_argument_and_the_router_keeps_serving(byte[] payload)
    {
        string routing = _files.Write("routing.json", RoutingFiles.OneMember("http://127.0.0.1:1"));
        await using var host = RouterHost.Build(
            ["--config", routing, "--state", "none", "--port", "0", "--watch", "false", "--warmup", "false", "--Logging:LogLevel:Default", "Warning"]);
        await host.StartAsync();

        var (status, message) = await PostFramedAsync(host.Port, "/inference.GRPCInferenceService/ModelInfer", payload);

        Assert.Equal("3", status);
        Assert.StartsWith("the request could not be parsed as inference.ModelInferRequest", message, StringComparison.Ordinal);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{host.Port}");
        Assert.True((await new GRPCInferenceService.GRPCInferenceServiceClient(channel).ServerLiveAsync(new ServerLiveRequest())).Live);
    }

    /// <summary>One unary call by hand: 5-byte prefix (not compressed, big-endian length) and the payload, over h2c.</summary>
    internal static async Task<(string? Status, string? Message)> PostFramedAsync(int port, string path, byte[] payload)
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
