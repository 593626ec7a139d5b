using EnsembleGrpc.Tests.Shared;
using System.Text.Json;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Tests.Functional;
using EnsembleGrpc.Router.Tests.Support;
using Grpc.Net.Client;

namespace EnsembleGrpc.Router.Tests.Hosting;

/// <summary>The router's console log as a process writes it, in front of a real worker: quiet per request by default, detail at Debug, JSON on request.</summary>
public sealed class RouterLogTests
{
    private const string Dll = "EnsembleGrpc.Router.dll";

    /// <summary>What ASP.NET Core hosting and routing (and HttpClient, for the calls to workers) write per request at Information.</summary>
    private static readonly string[] PerRequestMarkers =
        ["Request starting", "Request finished", "Executing endpoint", "Executed endpoint", "/inference.GRPCInferenceService/", "Sending HTTP request"];

    [Fact]
    public async Task The_default_log_has_the_start_up_lines_and_not_one_line_per_request()
    {
        await using var worker = await InProcessWorker.StartAsync("mnist_cnn_1");
        using var files = new TestFiles();
        await using var router = ServerProcess.Start(Dll, "--config", files.Write("routing.json", RoutingFiles.OneMember(worker.Address)), "--port", "0", "--state", "none", "--watch", "false");
        var port = await router.ListeningPortAsync();
        await router.WaitForLineAsync(l => l.Contains("Content root path", StringComparison.Ordinal));
        await SendRequestsAsync(port, 5);
        var servingLines = router.Output.Count;

        Assert.Equal(0, await router.StopAsync());

        var log = router.Output;
        Assert.Contains(log, l => l.Contains("Routing configuration", StringComparison.Ordinal) && l.Contains("loaded (version 1, 1 ensemble(s))", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains($"Worker {worker.Address} (mnist_cnn_1) is ready", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains("Now listening on: http://127.0.0.1:", StringComparison.Ordinal));
        Assert.DoesNotContain(log, l => PerRequestMarkers.Any(m => l.Contains(m, StringComparison.Ordinal)));
        // Nothing at all was written while the requests were served: the next entry (two lines in text) is the shutdown's.
        Assert.Contains("Application is shutting down", string.Join('\n', log.Skip(servingLines).Take(2)), StringComparison.Ordinal);
        Assert.Empty(router.Errors);
    }

    [Fact]
    public async Task Json_format_writes_one_json_object_per_line_and_debug_level_shows_the_request_lines()
    {
        await using var worker = await InProcessWorker.StartAsync("mnist_cnn_1");
        using var files = new TestFiles();
        await using var router = ServerProcess.Start(
            Dll, "--config", files.Write("routing.json", RoutingFiles.OneMember(worker.Address)), "--port", "0", "--state", "none", "--watch", "false",
            "--log-format", "json", "--log-level", "Debug");
        await SendRequestsAsync(await router.ListeningPortAsync(), 2);

        Assert.Equal(0, await router.StopAsync());

        var entries = router.Output.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.All(entries, e => Assert.Equal(JsonValueKind.String, e.GetProperty("Message").ValueKind));
        var warm = Assert.Single(entries, e => e.GetProperty("EventId").GetInt32() == 310);
        Assert.Equal(worker.Address, warm.GetProperty("State").GetProperty("Endpoint").GetString());
        Assert.Equal(2, entries.Count(e => e.GetProperty("Category").GetString() == "Microsoft.AspNetCore.Hosting.Diagnostics"
            && e.GetProperty("Message").GetString()!.Contains("Request finished HTTP/2 POST", StringComparison.Ordinal)
            && e.GetProperty("Message").GetString()!.Contains("/ModelInfer", StringComparison.Ordinal)));
    }

    private static async Task SendRequestsAsync(int port, int count)
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        for (var i = 0; i < count; i++)
        {
            var response = await client.ModelInferAsync(InferenceCalls.Fp32("mnist", new float[28 * 28], 1));
            Assert.False(InferenceCalls.Fallback(response));
        }
    }
}
