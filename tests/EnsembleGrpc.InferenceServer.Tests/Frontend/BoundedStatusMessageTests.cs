using System.Text;
using EnsembleGrpc.Hosting.Errors;
using EnsembleGrpc.InferenceServer.Tests.Support;
using EnsembleGrpc.Protocol;
using Grpc.Core;

namespace EnsembleGrpc.InferenceServer.Tests.Frontend;

/// <summary>A worker's status message never sends a caller's long input back: at most 1 KiB, cut with "…".</summary>
public sealed class BoundedStatusMessageTests
{
    [Fact]
    public async Task A_very_long_model_name_gets_not_found_with_a_message_of_at_most_1_KiB()
    {
        using var repository = new FakeRepository("fake");
        await using var worker = await TestWorker.StartFakeAsync(repository, new FakeExecutorFactory(), "fake");
        string name = new('m', 200_000);

        var error = await Assert.ThrowsAsync<RpcException>(() => worker.Client.ModelInferAsync(new ModelInferRequest { ModelName = name }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.InRange(Encoding.UTF8.GetByteCount(error.Status.Detail), 100, StatusMessages.MaxBytes);
        Assert.StartsWith("Model 'mmm", error.Status.Detail, StringComparison.Ordinal);
        Assert.EndsWith("…", error.Status.Detail, StringComparison.Ordinal);
    }
}
