using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EnsembleGrpc.InferenceServer.Hosting;
using EnsembleGrpc.InferenceServer.Tests.Support;
using EnsembleGrpc.Tests.Shared;

namespace EnsembleGrpc.InferenceServer.Tests.Hosting;

/// <summary>The worker as a process with its REST port: what curl sees, and what --http-port accepts.</summary>
public sealed partial class WorkerRestProcessTests
{
    private const string Dll = "EnsembleGrpc.InferenceServer.dll";

    [Fact]
    public async Task With_an_http_port_the_worker_answers_REST_beside_gRPC()
    {
        await using var worker = ServerProcess.Start(Dll, "--repository", RepoPaths.Models, "--models", "mnist_cnn_1", "--port", "0", "--http-port", "0");
        string ready = await worker.WaitForLineAsync(l => l.StartsWith("EnsembleGrpc worker ready:", StringComparison.Ordinal));
        int grpcPort = int.Parse(Address().Match(ready).Groups[1].Value, CultureInfo.InvariantCulture);
        // Two "Now listening on" lines: the gRPC port the ready line names, and the REST port.
        int httpPort = worker.Output.Select(l => Listening().Match(l)).Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Single(p => p != grpcPort);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/v2/health/ready", UriKind.Relative))).StatusCode);
        var split = MnistSplit.Load(RepoPaths.MnistTestSplit);
        string body = JsonSerializer.Serialize(new { inputs = new[] { new { name = "input", datatype = "FP32", shape = new[] { 1, 1, 28, 28 }, data = split.Slice(0, 1) } } });
        using var response = await http.PostAsync(new Uri("/v2/models/mnist_cnn_1/infer", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var probabilities = json.RootElement.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(split.Labels[0], Array.IndexOf(probabilities, probabilities.Max()));
    }

    [Theory]
    [InlineData(70000, 8001, "--http-port")]
    [InlineData(8001, 8001, "--http-port: 8001 is also the gRPC --port")]
    public void An_http_port_out_of_range_or_equal_to_the_grpc_port_is_refused(int httpPort, int port, string expected)
    {
        var options = new WorkerOptions { Repository = RepoPaths.Models, Models = "mnist_cnn_1", Port = port, HttpPort = httpPort };

        var failures = new WorkerOptionsValidator().Validate(null, options).Failures;

        Assert.Contains(failures!, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Without_an_http_port_the_options_are_valid_and_REST_is_off()
    {
        var options = new WorkerOptions { Repository = RepoPaths.Models, Models = "mnist_cnn_1" };

        Assert.Null(options.HttpPort);
        Assert.True(new WorkerOptionsValidator().Validate(null, options).Succeeded);
    }

    [GeneratedRegex(@"address=http://127\.0\.0\.1:(\d+)")]
    private static partial Regex Address();

    [GeneratedRegex(@"Now listening on: http://127\.0\.0\.1:(\d+)")]
    private static partial Regex Listening();
}
