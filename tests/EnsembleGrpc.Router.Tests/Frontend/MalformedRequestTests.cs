using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Hosting;
using EnsembleGrpc.Router.Tests.Hosting;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Tests.Shared;
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

        var (status, message) = await RawGrpcCall.PostFramedAsync(host.Port, "/inference.GRPCInferenceService/ModelInfer", payload);

        Assert.Equal("3", status);
        Assert.StartsWith("the request could not be parsed as inference.ModelInferRequest", message, StringComparison.Ordinal);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{host.Port}");
        Assert.True((await new GRPCInferenceService.GRPCInferenceServiceClient(channel).ServerLiveAsync(new ServerLiveRequest())).Live);
    }
}
