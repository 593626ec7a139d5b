using System.Net;
using System.Net.Sockets;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Protocol.Admin;
using EnsembleGrpc.Router.Tests.Functional;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Tests.Shared;
using Grpc.Core;
using Grpc.Net.Client;

namespace EnsembleGrpc.Router.Tests.Observability;

/// <summary>
/// A real worker and a real router, started as processes with --metrics-port, scraped over HTTP/1.1 before and after
/// some requests: each scrape passes <c>promtool check metrics</c>, and the key series exist and move.
/// </summary>
public sealed class MetricsScrapeTests
{
    private const string AdminToken = "metrics-admin-token";
    private const int Answered = 8;

    [Fact]
    public async Task Router_and_worker_serve_metrics_that_promtool_accepts_and_that_move_with_traffic()
    {
        int workerMetrics = FreePort();
        await using var worker = ServerProcess.Start("EnsembleGrpc.InferenceServer.dll",
            "--repository", RepoPaths.Models, "--models", "mnist_cnn_1", "--port", "0", "--metrics-port", Text(workerMetrics));
        await worker.WaitForLineAsync(l => l.StartsWith("EnsembleGrpc worker ready:", StringComparison.Ordinal));
        int workerPort = await GrpcPortAsync(worker, workerMetrics);

        using var files = new TestFiles();
        int routerMetrics = FreePort();
        await using var router = ServerProcess.Start("EnsembleGrpc.Router.dll",
            "--config", files.Write("routing.json", RoutingFile($"http://127.0.0.1:{workerPort}")), "--port", "0", "--state", "none",
            "--watch", "false", "--metrics-port", Text(routerMetrics));
        await router.WaitForLineAsync(l => l.Contains("Application started", StringComparison.Ordinal));
        int routerPort = await GrpcPortAsync(router, routerMetrics);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var routerBefore = await ScrapeAsync(http, routerMetrics);
        var workerBefore = await ScrapeAsync(http, workerMetrics);
        await SendTrafficAsync(routerPort);
        var routerAfter = await ScrapeAsync(http, routerMetrics);
        var workerAfter = await ScrapeAsync(http, workerMetrics);

        foreach (var scrape in new[] { routerBefore, workerBefore, routerAfter, workerAfter })
        {
            var (exitCode, output) = await Promtool.RunAsync(scrape.Text, "check", "metrics");
            Assert.True(exitCode == 0, $"promtool check metrics failed ({exitCode}):\n{output}");
        }

        AssertRouterSeriesMoved(routerBefore, routerAfter);
        AssertWorkerSeriesMoved(workerBefore, workerAfter);
        // The gRPC port stays HTTP/2 only: an HTTP/1.1 scrape there gets no metrics.
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetStringAsync($"http://127.0.0.1:{routerPort}/metrics"));
        Assert.Equal(0, await router.StopAsync());
        Assert.Equal(0, await worker.StopAsync());
    }

    private static void AssertRouterSeriesMoved(PrometheusText before, PrometheusText after)
    {
        var model = ("model", "mnist");
        string[] series =
        [
            "ensemblegrpc_router_request_duration_seconds_bucket", "ensemblegrpc_router_answers_total", "ensemblegrpc_router_arm_requests_total",
            "ensemblegrpc_router_arm_traffic_share_ratio", "ensemblegrpc_router_endpoint_calls_total", "ensemblegrpc_router_endpoint_breaker_state",
            "ensemblegrpc_router_shadow_enqueued_total", "ensemblegrpc_router_shadow_compared_rows_total", "ensemblegrpc_router_arm_feedback_rows_total",
            "process_cpu_time_seconds_total", "dotnet_gc_collections_total",
        ];
        Assert.All(series, name => Assert.True(after.Has(name), $"no series {name} in the router's scrape:\n{after.Text}"));

        Assert.Equal(Answered, Delta(before, after, "ensemblegrpc_router_request_duration_seconds_count", model, ("arm", "bagging"), ("strategy", "bagging"), ("outcome", "answered")));
        Assert.Equal(1, Delta(before, after, "ensemblegrpc_router_request_duration_seconds_count", model, ("arm", "none"), ("outcome", "rejected")));
        Assert.Equal(Answered, Delta(before, after, "ensemblegrpc_router_answers_total", model, ("strategy", "bagging")));
        Assert.Equal(Answered, Delta(before, after, "ensemblegrpc_router_arm_requests_total", model, ("arm", "bagging")));
        Assert.Equal(0.75, after.Sum("ensemblegrpc_router_arm_traffic_share_ratio", model, ("arm", "bagging")));
        Assert.Equal(0.25, after.Sum("ensemblegrpc_router_arm_traffic_share_ratio", model, ("arm", "shadow")));
        Assert.Equal(Answered, Delta(before, after, "ensemblegrpc_router_shadow_enqueued_total", model, ("arm", "shadow")));
        Assert.Equal(1, Delta(before, after, "ensemblegrpc_router_arm_feedback_rows_total", model, ("arm", "bagging")));
        Assert.True(Delta(before, after, "ensemblegrpc_router_endpoint_calls_total", ("lane", "primary"), ("outcome", "success")) >= Answered);
        Assert.Equal(1, after.Sum("ensemblegrpc_router_endpoint_breaker_state", ("lane", "primary"), ("state", "closed")));
        Assert.Equal(0, after.Sum("ensemblegrpc_router_endpoint_breaker_state", ("state", "open")));
    }

    private static void AssertWorkerSeriesMoved(PrometheusText before, PrometheusText after)
    {
        var model = ("model", "mnist_cnn_1");
        string[] series =
        [
            "ensemblegrpc_worker_queue_depth", "ensemblegrpc_worker_batches_total", "ensemblegrpc_worker_model_run_time_seconds_total",
            "ensemblegrpc_worker_rejected_overload_total", "ensemblegrpc_worker_requests_total", "process_cpu_time_seconds_total",
        ];
        Assert.All(series, name => Assert.True(after.Has(name), $"no series {name} in the worker's scrape:\n{after.Text}"));

        // The router's calls (at least one per answered request; the shadow reuses the primary's outputs).
        Assert.True(Delta(before, after, "ensemblegrpc_worker_requests_total", model, ("outcome", "success")) >= Answered);
        Assert.True(Delta(before, after, "ensemblegrpc_worker_batches_total", model) >= 1);
        Assert.True(Delta(before, after, "ensemblegrpc_worker_model_run_time_seconds_total", model) > 0);
        Assert.Equal(0, after.Sum("ensemblegrpc_worker_queue_depth", model));
        Assert.Equal(1, after.Sum("ensemblegrpc_worker_model_ready", model));
    }

    private static async Task SendTrafficAsync(int routerPort)
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{routerPort}");
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        for (int i = 0; i < Answered; i++)
        {
            // The strategy names the arm, so every request lands on the bagging arm whatever the split draws.
            var response = await client.ModelInferAsync(InferenceCalls.Fp32("mnist", new float[28 * 28], 1, strategy: "bagging", id: $"metrics-{i}"));
            Assert.False(InferenceCalls.Fallback(response));
        }

        // A batch too large for the ensemble: the caller's fault, refused before an arm is chosen (arm "none").
        await Assert.ThrowsAsync<RpcException>(async () => await client.ModelInferAsync(InferenceCalls.Fp32("mnist", new float[28 * 28 * 65], 65, strategy: "bagging")));

        var admin = new RouterAdmin.RouterAdminClient(channel);
        var feedback = new SubmitFeedbackRequest { RequestId = "metrics-0" };
        feedback.Labels.Add(7);
        await admin.SubmitFeedbackAsync(feedback, InferenceCalls.Bearer(AdminToken));
    }

    private static async Task<PrometheusText> ScrapeAsync(HttpClient http, int port)
    {
        using var response = await http.GetAsync($"http://127.0.0.1:{port}/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return new PrometheusText(await response.Content.ReadAsStringAsync());
    }

    private static double Delta(PrometheusText before, PrometheusText after, string name, params (string, string)[] labels) =>
        after.Sum(name, labels) - before.Sum(name, labels);

    /// <summary>The gRPC port: the listening line that is not the metrics port.</summary>
    private static async Task<int> GrpcPortAsync(ServerProcess server, int metricsPort)
    {
        string line = await server.WaitForLineAsync(l => l.Contains("Now listening on: http://127.0.0.1:", StringComparison.Ordinal)
            && !l.EndsWith($":{metricsPort}", StringComparison.Ordinal));
        return int.Parse(line[(line.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string RoutingFile(string endpoint) => $$"""
        {
          "admin_token": "{{AdminToken}}",
          "model_repository": "{{RepoPaths.Models.Replace("\\", "/", StringComparison.Ordinal)}}",
          "ensembles": [ { "name": "mnist", "timeout_ms": 5000,
                           "members": [ { "name": "mnist_cnn_1", "endpoints": ["{{endpoint}}"] } ],
                           "arms": [ { "name": "bagging", "strategy": "bagging", "weight": 3 },
                                     { "name": "shadow", "strategy": "vote", "weight": 1 } ],
                           "shadow": { "arm": "shadow", "sample_percent": 100 } } ]
        }
        """;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Text(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
