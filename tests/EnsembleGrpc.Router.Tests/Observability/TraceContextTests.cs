using System.Diagnostics;
using EnsembleGrpc.InferenceServer.Hosting;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Hosting;
using EnsembleGrpc.Router.Tests.Functional;
using EnsembleGrpc.Router.Tests.Hosting;
using EnsembleGrpc.Router.Tests.Support;
using Grpc.Net.Client;
using OpenTelemetry.Trace;

namespace EnsembleGrpc.Router.Tests.Observability;

/// <summary>
/// W3C trace context goes from the client through the router to the worker: the router's server span and the
/// worker's server span of one request share the caller's trace id, so one request is one trace.
/// </summary>
public sealed class TraceContextTests
{
    [Fact]
    public async Task The_worker_serves_the_request_inside_the_trace_the_router_received()
    {
        var spans = new List<Activity>();
        ActivityTraceId traceId;
        int workerPort;
        var worker = WorkerHost.Build(
            ["--repository", RepoPaths.Models, "--models", "mnist_cnn_1", "--port", "0", "--traces", "on", "--Logging:LogLevel:Default", "Warning"],
            services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)));
        await using (worker)
        {
            await worker.StartAsync();
            Assert.True(await worker.WaitUntilLoadedAsync());
            workerPort = worker.Port;
            using var files = new TestFiles();
            await using var router = RouterHost.Build(
                ["--config", files.Write("routing.json", RoutingFiles.OneMember($"http://127.0.0.1:{workerPort}")), "--port", "0", "--state", "none",
                 "--watch", "false", "--warmup", "false", "--traces", "on", "--Logging:LogLevel:Default", "Warning"]);
            await router.StartAsync();

            using (var caller = new Activity("test-caller"))
            {
                caller.SetIdFormat(ActivityIdFormat.W3C);
                caller.ActivityTraceFlags = ActivityTraceFlags.Recorded;
                caller.Start();
                traceId = caller.TraceId;
                using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{router.Port}");
                var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
                await client.ModelInferAsync(InferenceCalls.Fp32("mnist", new float[28 * 28], 1));
            }

            // Stopping waits for requests in flight, so every span of the request has ended (and been exported) after it.
            await router.StopAsync();
            await worker.StopAsync();
        }

        Activity[] trace;
        lock (spans)
        {
            trace = [.. spans.Where(s => s.TraceId == traceId)];
        }

        var servers = trace.Where(s => s.Kind == ActivityKind.Server).ToArray();
        Assert.True(servers.Length == 2, $"expected the router's and the worker's server span in trace {traceId}; got: {Describe(trace)}");
        var workerSpan = Assert.Single(servers, s => Port(s) == workerPort);
        // The worker's span hangs, through the router's client spans (gRPC call, HTTP request), under the router's
        // server span: every parent on the way was recorded, so the trace is one connected tree.
        var routerSpan = Assert.Single(servers, s => s != workerSpan);
        var parent = workerSpan;
        var path = new List<Activity>();
        do
        {
            parent = Assert.Single(trace, s => s.SpanId == parent.ParentSpanId);
            path.Add(parent);
        }
        while (parent.Kind == ActivityKind.Client);
        Assert.Same(routerSpan, parent);
        Assert.True(path.Count >= 2, $"expected the router's client span(s) between the servers; got: {Describe(path)}");
    }

    private static int? Port(Activity span) => span.GetTagItem("server.port") is { } port ? Convert.ToInt32(port, System.Globalization.CultureInfo.InvariantCulture) : null;

    private static string Describe(IEnumerable<Activity> spans) =>
        string.Join("; ", spans.Select(s => $"{s.Kind} {s.DisplayName} port={Port(s)} span={s.SpanId} parent={s.ParentSpanId}"));
}
