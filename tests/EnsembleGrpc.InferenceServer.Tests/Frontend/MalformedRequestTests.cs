using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using EnsembleGrpc.InferenceServer.Tests.Support;
using EnsembleGrpc.Protocol;

namespace EnsembleGrpc.InferenceServer.Tests.Frontend;

/// <summary>
/// A correctly framed gRPC message whose bytes are not a ModelInferRequest, sent as a raw HTTP/2 call: the worker says
/// INVALID_ARGUMENT (not UNKNOWN) and keeps serving.
/// </summary>
public sealed class MalformedRequestTests
{
    [Fact]
    public async Task Garbage_in_a_framed_ModelInfer_gets_invalid_argument_and_the_worker_keeps_serving()
    {
        using var repository = new FakeRepository("fake");
        await using var worker = await TestWorker.StartFakeAsync(repository, new FakeExecutorFactory(), "fake");

        byte[] payload = [0x0F, 0x01, 0x02];
        byte[] body = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(body, 5);
        using var client = new HttpClient(new SocketsHttpHandler()) { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{worker.Host.Port}/inference.GRPCInferenceService/ModelInfer")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.ParseAdd("trailers");
        using var response = await client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("3", Header(response, "grpc-status"));
        Assert.StartsWith("the request could not be parsed as inference.ModelInferRequest", Uri.UnescapeDataString(Header(response, "grpc-message") ?? ""), StringComparison.Ordinal);
        Assert.True((await worker.Client.ServerLiveAsync(new ServerLiveRequest())).Live);
    }

    private static string? Header(HttpResponseMessage response, string name)
        => response.TrailingHeaders.TryGetValues(name, out var trailer) ? trailer.Single()
            : response.Headers.TryGetValues(name, out var header) ? header.Single() : null;
}
