using System.Text;
using EnsembleGrpc.Hosting.Errors;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Hosting;
using EnsembleGrpc.Router.Tests.Hosting;
using EnsembleGrpc.Router.Tests.Support;
using Grpc.Core;
using Grpc.Net.Client;

namespace EnsembleGrpc.Router.Tests.Frontend;

/// <summary>A status message never sends a caller's long input back: at most 1 KiB, cut with "…".</summary>
public sealed class BoundedStatusMessageTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task A_very_long_model_name_gets_not_found_with_a_message_of_at_most_1_KiB()
    {
        string routing = _files.Write("routing.json", RoutingFiles.OneMember("http://127.0.0.1:1"));
        await using var host = RouterHost.Build(
            ["--config", routing, "--state", "none", "--port", "0", "--watch", "false", "--warmup", "false", "--Logging:LogLevel:Default", "Warning"]);
        await host.StartAsync();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{host.Port}");
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        string name = new('m', 200_000);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.ModelInferAsync(new ModelInferRequest { ModelName = name }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.InRange(Encoding.UTF8.GetByteCount(error.Status.Detail), 100, StatusMessages.MaxBytes);
        Assert.StartsWith("model 'mmm", error.Status.Detail, StringComparison.Ordinal);
        Assert.EndsWith("…", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_message_is_kept_as_it_is()
    {
        const string Message = "model 'x' is not served by this router; models: mnist.";
        Assert.Same(Message, StatusMessages.Bound(Message));
    }

    [Fact]
    public void A_long_message_of_multi_byte_characters_is_cut_on_a_character_within_1_KiB()
    {
        string message = string.Concat(Enumerable.Repeat("é😀", 1000));

        string bounded = StatusMessages.Bound(message);

        Assert.InRange(Encoding.UTF8.GetByteCount(bounded), StatusMessages.MaxBytes - 6, StatusMessages.MaxBytes);
        Assert.EndsWith("…", bounded, StringComparison.Ordinal);
        Assert.StartsWith(bounded[..^1], message, StringComparison.Ordinal);
        Assert.False(char.IsHighSurrogate(bounded[^2]));
    }
}
