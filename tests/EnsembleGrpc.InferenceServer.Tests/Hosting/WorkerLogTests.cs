using EnsembleGrpc.Tests.Shared;
using System.Text.Json;
using EnsembleGrpc.InferenceServer.Hosting;
using EnsembleGrpc.InferenceServer.Tests.Support;
using EnsembleGrpc.Protocol;
using Grpc.Net.Client;

namespace EnsembleGrpc.InferenceServer.Tests.Hosting;

/// <summary>The worker's console log as a process writes it: quiet per request by default, detail at Debug, JSON on request.</summary>
public sealed class WorkerLogTests
{
    private const string Dll = "EnsembleGrpc.InferenceServer.dll";

    /// <summary>What ASP.NET Core hosting and routing write per request at Information.</summary>
    private static readonly string[] PerRequestMarkers = ["Request starting", "Request finished", "Executing endpoint", "Executed endpoint", "/inference.GRPCInferenceService/"];

    [Fact]
    public async Task The_default_log_has_the_start_up_lines_and_not_one_line_per_request()
    {
        await using var worker = ServerProcess.Start(Dll, "--repository", RepoPaths.Models, "--models", "mnist_cnn_1", "--port", "0");
        await worker.WaitForLineAsync(l => l.StartsWith(ModelLoaderService.ReadyLinePrefix, StringComparison.Ordinal));
        // The last start-up entries: the loader's and the host's are written in either order.
        await worker.WaitForLineAsync(l => l.Contains("All models ready", StringComparison.Ordinal));
        await worker.WaitForLineAsync(l => l.Contains("Content root path", StringComparison.Ordinal));
        await SendRequestsAsync(await worker.ListeningPortAsync(), 5);
        var servingLines = worker.Output.Count;

        Assert.Equal(0, await worker.StopAsync());

        var log = worker.Output;
        Assert.Contains(log, l => l.Contains("Now listening on: http://127.0.0.1:", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains("Model mnist_cnn_1 version 1 is serving", StringComparison.Ordinal));
        Assert.DoesNotContain(log, l => PerRequestMarkers.Any(m => l.Contains(m, StringComparison.Ordinal)));
        // Nothing at all was written while the requests were served: the next entry (two lines in text) is the shutdown's.
        Assert.Contains("Application is shutting down", string.Join('\n', log.Skip(servingLines).Take(2)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_format_writes_one_json_object_per_line_and_debug_level_shows_the_request_lines()
    {
        await using var worker = ServerProcess.Start(Dll, "--repository", RepoPaths.Models, "--models", "mnist_cnn_1", "--port", "0", "--log-format", "json", "--log-level", "Debug");
        await worker.WaitForLineAsync(l => l.StartsWith(ModelLoaderService.ReadyLinePrefix, StringComparison.Ordinal));
        await SendRequestsAsync(await worker.ListeningPortAsync(), 2);

        Assert.Equal(0, await worker.StopAsync());

        // The ready line is the worker's plain stdout announcement for scripts, not a log entry.
        var entries = worker.Output.Where(l => !l.StartsWith(ModelLoaderService.ReadyLinePrefix, StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.All(entries, e => Assert.Equal(JsonValueKind.String, e.GetProperty("Message").ValueKind));
        Assert.Contains(entries, e => e.GetProperty("Category").GetString() == "Microsoft.Hosting.Lifetime"
            && e.GetProperty("Message").GetString()!.StartsWith("Now listening on", StringComparison.Ordinal));
        Assert.Equal(2, entries.Count(e => e.GetProperty("Category").GetString() == "Microsoft.AspNetCore.Hosting.Diagnostics"
            && e.GetProperty("Message").GetString()!.Contains("Request finished HTTP/2 POST", StringComparison.Ordinal)
            && e.GetProperty("Message").GetString()!.Contains("/ModelInfer", StringComparison.Ordinal)));
    }

    private static async Task SendRequestsAsync(int port, int count)
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var split = MnistSplit.Load(RepoPaths.MnistTestSplit);
        for (var i = 0; i < count; i++)
        {
            var response = await client.ModelInferAsync(Tensors.Raw("mnist_cnn_1", "input", split.Slice(i, 1), 1, 1, 28, 28));
            // The member's own prediction (reference-outputs.json covers the first 8 test images), not the label.
            Assert.Equal(Tensors.ArgMax(Execution.Executors.Reference.Value.Members["mnist_cnn_1"][i]), Tensors.ArgMax(Tensors.Output(response)));
        }
    }
}
