using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Net;
using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Hosting;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;
using EnsembleGrpc.Router.Resilience;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Router.Workers;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static EnsembleGrpc.Router.Tests.Support.TestModels;

namespace EnsembleGrpc.Router.Tests.Resilience;

/// <summary>
/// The warm-up before the router listens, with a scripted worker client (the real transport where it matters: a
/// refused connection and a worker that accepts the connection but never answers).
/// </summary>
public sealed class EndpointWarmupTests : IDisposable
{
    private const string A = "http://127.0.0.1:9101";
    private const string B = "http://127.0.0.1:9102";
    private const string C = "http://127.0.0.1:9103";

    private readonly TestFiles _files = new();
    private readonly FakeWorkers _workers = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Every_endpoint_gets_its_warm_up_calls_before_the_router_listens_and_none_counts_in_statistics_or_breakers()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _workers.Gate = gate.Task;
        await using var host = Build(Config(A, B));

        var start = host.StartAsync();
        await _workers.FirstCall.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // A warm-up call is in flight (held by the gate): the router has not started, and Kestrel does not listen.
        Assert.False(start.IsCompleted);
        Assert.Throws<InvalidOperationException>(() => host.Port);

        gate.SetResult();
        await start.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(host.Port > 0);
        Assert.Equal(3, _workers.CallsTo(A));
        Assert.Equal(3, _workers.CallsTo(B));
        var warmup = host.Services.GetRequiredService<EndpointWarmup>();
        Assert.All(warmup.Results, r => Assert.Equal((WarmupOutcome.Ready, 3), (r.Outcome, r.Calls)));
        Assert.Equal([A, B], warmup.Results.Select(r => r.Endpoint).Order());
        Assert.All(_workers.Inputs, input => Assert.Equal([1L, 1, 28, 28], input.Shape));
        Assert.All(_workers.Inputs, input => Assert.All(input.Values.ToArray(), v => Assert.Equal(0f, v)));

        // Around the pipelines: no endpoint state was made, so no breaker saw a call and no statistics count one.
        var ensemble = host.Services.GetRequiredService<RoutingConfigProvider>().Current.Ensembles["mnist"];
        var registry = host.Services.GetRequiredService<EndpointRegistry>();
        Assert.Null(registry.Find(A, new EndpointSettings(ensemble.Timeout, ensemble.Breaker)));
        Assert.Null(registry.Find(B, new EndpointSettings(ensemble.Timeout, ensemble.Breaker)));
    }

    [Fact]
    public async Task A_hung_endpoint_delays_start_only_up_to_the_warm_up_bound_and_an_erring_one_not_at_all()
    {
        // The hung worker ignores cancellation too: the bound must hold anyway.
        _workers.Hung.TryAdd(B, 0);
        _workers.Failing.TryAdd(C, 0);
        await using var host = Build(Config(A, B, C), "--warmup-timeout-ms", "200");

        var watch = Stopwatch.StartNew();
        await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        watch.Stop();

        var results = host.Services.GetRequiredService<EndpointWarmup>().Results.ToDictionary(r => r.Endpoint);
        Assert.Equal(WarmupOutcome.Ready, results[A].Outcome);
        Assert.Equal(WarmupOutcome.Unreachable, results[B].Outcome);
        Assert.Equal("no answer within 200 ms", results[B].Reason);
        Assert.Equal(0, results[B].Calls);
        // Answered, with an error status: reachable, but not serving the model.
        Assert.Equal((WarmupOutcome.Failed, "Unavailable: injected fault"), (results[C].Outcome, results[C].Reason));
        // Well under the 10 s default: the configured bound applied (generous margin for a loaded machine).
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), $"start took {watch.Elapsed}");
    }

    [Fact]
    public async Task Over_the_real_transport_a_refused_connection_and_a_silent_worker_are_unreachable_and_the_router_still_starts()
    {
        // Bound but not listening: connections are refused, and no other test can take the port meanwhile.
        using var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        string refused = $"http://127.0.0.1:{((IPEndPoint)closed.LocalEndPoint!).Port}";
        // Accepts TCP connections (the backlog does), never answers a byte.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        string silentAddress = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}";
        await using var host = RouterHost.Build(
            ["--config", _files.Write("routing.json", Config(refused, silentAddress)), "--port", "0", "--watch", "false",
             "--warmup-timeout-ms", "3000", "--Logging:LogLevel:Default", "Warning"]);

        // The bound leaves room for a cold HTTP client stack on a loaded machine to get its refusal first.
        await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));

        var results = host.Services.GetRequiredService<EndpointWarmup>().Results.ToDictionary(r => r.Endpoint);
        Assert.Equal(WarmupOutcome.Unreachable, results[refused].Outcome);
        // The root cause, the socket's refusal, not the transport's "Error connecting to subchannel".
        Assert.StartsWith("Unavailable: ", results[refused].Reason, StringComparison.Ordinal);
        Assert.EndsWith("(ConnectionRefused)", results[refused].Reason, StringComparison.Ordinal);
        Assert.Equal(WarmupOutcome.Unreachable, results[silentAddress].Outcome);
        Assert.Equal("no answer within 3000 ms", results[silentAddress].Reason);
        Assert.True(host.Port > 0);
    }

    [Fact]
    public void The_calls_deadline_and_the_budget_give_one_reason_whichever_fires_first()
    {
        // The call's deadline (the budget plus the client's slack) fired before the budget's timer did (timers
        // race on a loaded machine): still the budget's reason, not "DeadlineExceeded: Deadline Exceeded".
        var deadline = WorkerCallFailures.Translate(new RpcException(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded")), CancellationToken.None, TimeSpan.FromSeconds(3));
        var cancelled = WorkerCallFailures.Translate(new OperationCanceledException(), new CancellationToken(canceled: true), TimeSpan.FromSeconds(3));

        Assert.Equal((WarmupOutcome.Unreachable, "no answer within 3000 ms"), EndpointWarmup.Explain(deadline, budgetSpent: false, TimeSpan.FromSeconds(3)));
        Assert.Equal((WarmupOutcome.Unreachable, "no answer within 3000 ms"), EndpointWarmup.Explain(deadline, budgetSpent: true, TimeSpan.FromSeconds(3)));
        Assert.Equal((WarmupOutcome.Unreachable, "no answer within 3000 ms"), EndpointWarmup.Explain(cancelled, budgetSpent: true, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void A_refused_connection_is_explained_by_its_innermost_socket_error()
    {
        var socket = new SocketException((int)SocketError.ConnectionRefused);
        var transport = new HttpRequestException("Connection refused (127.0.0.1:1)", socket);
        var rpc = new RpcException(new Status(StatusCode.Unavailable, "Error connecting to subchannel.", new InvalidOperationException("subchannel", transport)));

        var (outcome, reason) = EndpointWarmup.Explain(WorkerCallFailures.Translate(rpc, CancellationToken.None, TimeSpan.FromSeconds(3)), budgetSpent: false, TimeSpan.FromSeconds(3));

        Assert.Equal(WarmupOutcome.Unreachable, outcome);
        Assert.Equal($"Unavailable: {socket.Message} (ConnectionRefused)", reason);
    }

    [Fact]
    public async Task A_reload_warms_the_endpoints_it_adds_and_only_those()
    {
        await using var host = Build(Config(A, B));
        await host.StartAsync();
        var provider = host.Services.GetRequiredService<RoutingConfigProvider>();
        var warmup = host.Services.GetRequiredService<EndpointWarmup>();

        File.WriteAllText(provider.FilePath, Config(A, B, C));
        Assert.True(provider.TryReload());
        await warmup.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(3, _workers.CallsTo(A));
        Assert.Equal(3, _workers.CallsTo(B));
        Assert.Equal(3, _workers.CallsTo(C));
        Assert.Equal(WarmupOutcome.Ready, warmup.Results.Single(r => r.Endpoint == C).Outcome);
    }

    [Fact]
    public async Task Warm_up_can_be_turned_off_and_its_settings_are_validated()
    {
        await using (var host = Build(Config(A, B), "--warmup", "false"))
        {
            await host.StartAsync();
            Assert.Equal(0, _workers.CallsTo(A) + _workers.CallsTo(B));
            Assert.Empty(host.Services.GetRequiredService<EndpointWarmup>().Results);
        }

        var error = Assert.Throws<OptionsValidationException>(() => Build(Config(A, B), "--warmup-calls", "0"));
        Assert.Contains("--warmup-calls", error.Message, StringComparison.Ordinal);
    }

    private RouterHost Build(string config, params string[] extra) => RouterHost.Build(
        ["--config", _files.Write("routing.json", config), "--port", "0", "--watch", "false", "--Logging:LogLevel:Default", "Warning", .. extra],
        services => services.AddSingleton<IWorkerClient>(_workers));

    private static string Config(params string[] endpoints)
    {
        var members = endpoints.Select((e, i) => $$"""{ "name": "mnist_cnn_{{i + 1}}", "endpoints": ["{{e}}"] }""");
        return $$"""
            {
              "model_repository": "{{RepoPaths.Models.Replace("\\", "/", StringComparison.Ordinal)}}",
              "ensembles": [ { "name": "mnist", "members": [ {{string.Join(", ", members)}} ],
                               "arms": [ { "name": "bagging", "strategy": "bagging", "weight": 1 } ] } ]
            }
            """;
    }

    private sealed class FakeWorkers : IWorkerClient
    {
        private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

        public TaskCompletionSource FirstCall { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Gate { get; set; } = Task.CompletedTask;

        public ConcurrentDictionary<string, byte> Hung { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, byte> Failing { get; } = new(StringComparer.Ordinal);

        public ConcurrentQueue<ModelInput> Inputs { get; } = new();

        public int CallsTo(string endpoint) => _calls.GetValueOrDefault(endpoint);

        public Task<WorkerReadiness> ProbeReadyAsync(string endpoint, string model, string version, TimeSpan timeout, CancellationToken cancellationToken) =>
            Task.FromResult(new WorkerReadiness(true, "ready"));

        public async Task<WorkerReply> InferAsync(string endpoint, MemberModel member, ModelInput input, TimeSpan timeout, CancellationToken cancellationToken)
        {
            Inputs.Enqueue(input);
            FirstCall.TrySetResult();
            if (Hung.ContainsKey(endpoint))
            {
                // Never answers, and ignores the token.
                return await new TaskCompletionSource<WorkerReply>().Task;
            }

            if (Failing.ContainsKey(endpoint))
            {
                return WorkerReply.Failed(MemberFailureKind.WorkerError, "Unavailable: injected fault");
            }

            await Gate;
            _calls.AddOrUpdate(endpoint, 1, (_, n) => n + 1);
            return WorkerReply.Answered(Row(1, 1f));
        }
    }
}
