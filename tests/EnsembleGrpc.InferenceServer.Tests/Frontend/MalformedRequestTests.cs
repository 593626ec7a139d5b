using EnsembleGrpc.InferenceServer.Tests.Support;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Tests.Shared;

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

        var (status, message) = await RawGrpcCall.PostFramedAsync(worker.Host.Port, "/inference.GRPCInferenceService/ModelInfer", [0x0F, 0x01, 0x02]);

        Assert.Equal("3", status);
        Assert.StartsWith("the request could not be parsed as inference.ModelInferRequest", message, StringComparison.Ordinal);
        Assert.True((await worker.Client.ServerLiveAsync(new ServerLiveRequest())).Live);
    }
}
