using EnsembleGrpc.Protocol.Admin;
using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Experiments;
using EnsembleGrpc.Router.Hosting;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;
using EnsembleGrpc.Router.Resilience;
using EnsembleGrpc.Router.Tests.Functional;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Router.Traffic;
using EnsembleGrpc.Router.Traffic.Assignment;
using EnsembleGrpc.Router.Workers;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Router.Tests.Experiments;

/// <summary>
/// Experiment state across a restart: a router with a fake worker client and no warm-up, a split set through
/// RouterAdmin and feedback submitted, then a NEW router on the same routing file and state file.
/// </summary>
public sealed class ExperimentStateRestartTests : IDisposable
{
    private const string Token = "state-admin-token";

    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task A_new_router_on_the_same_files_has_the_same_split_and_online_accuracy()
    {
        string routing = _files.Write("routing.json", Config(control: 70, candidate: 30));
        GetConfigResponse before;
        GetStatisticsResponse statsBefore;
        await using (var router = await Start(routing))
        {
            var admin = router.Admin;
            var split = new SetTrafficSplitRequest { Ensemble = "mnist" };
            split.Weights.Add("control", 10);
            split.Weights.Add("candidate", 90);
            await admin.SetTrafficSplitAsync(split, InferenceCalls.Bearer(Token));

            // Answered requests as the inference path records them; feedback is what this test is about.
            var ledger = router.Host.Services.GetRequiredService<RequestLedger>();
            ledger.Record(new LedgerEntry("r1", "mnist", "control", "bagging", [1, 2, 3, 4]));
            ledger.Record(new LedgerEntry("r2", "mnist", "candidate", "vote", [5, 6]));
            await admin.SubmitFeedbackAsync(Feedback("r1", 1, 2, 3, 0), InferenceCalls.Bearer(Token)); // 3 of 4
            await admin.SubmitFeedbackAsync(Feedback("r2", 5, 0), InferenceCalls.Bearer(Token)); // 1 of 2

            before = await admin.GetConfigAsync(new GetConfigRequest());
            statsBefore = await admin.GetStatisticsAsync(new GetStatisticsRequest { Ensemble = "mnist" });
        }

        Assert.True(File.Exists(Path.Combine(_files.Directory, ExperimentStatePaths.DefaultFileName)));
        await using (var restarted = await Start(routing))
        {
            var after = await restarted.Admin.GetConfigAsync(new GetConfigRequest());
            Assert.Equal(before.ConfigJson, after.ConfigJson);
            Assert.Equal(TrafficSplitState.AdminSource, after.Source);
            var weights = restarted.Splits.View().Ensembles["mnist"].Arms.ToDictionary(a => a.Name, a => a.Weight);
            Assert.Equal(new Dictionary<string, int> { ["control"] = 10, ["candidate"] = 90 }, weights);

            var stats = await restarted.Admin.GetStatisticsAsync(new GetStatisticsRequest { Ensemble = "mnist" });
            foreach (string arm in (string[])["control", "candidate"])
            {
                var was = statsBefore.Ensembles[0].Arms.Single(a => a.Name == arm);
                var now = stats.Ensembles[0].Arms.Single(a => a.Name == arm);
                Assert.Equal((was.FeedbackRows, was.OnlineAccuracy), (now.FeedbackRows, now.OnlineAccuracy));
            }

            Assert.Equal(0.75, stats.Ensembles[0].Arms.Single(a => a.Name == "control").OnlineAccuracy);
            Assert.Equal(0.5, stats.Ensembles[0].Arms.Single(a => a.Name == "candidate").OnlineAccuracy);
        }
    }

    [Fact]
    public async Task A_stored_split_whose_arms_are_not_the_files_is_discarded_with_a_warning()
    {
        string routing = _files.Write("routing.json", Config(control: 70, candidate: 30));
        string state = Path.Combine(_files.Directory, "custom-state.db");
        using (var store = new SqliteExperimentStore(state))
        {
            store.SaveSplit(new StoredSplit(
                "mnist",
                new Dictionary<string, int> { ["control"] = 50, ["retired"] = 50 },
                new Dictionary<string, int> { ["control"] = 70, ["retired"] = 30 },
                "old",
                1,
                DateTimeOffset.UnixEpoch,
                TrafficSplitState.AdminSource));
        }

        var logs = new CapturingLoggerProvider();
        await using (var router = await Start(routing, logs, "--state", state))
        {
            var weights = router.Splits.View().Ensembles["mnist"].Arms.ToDictionary(a => a.Name, a => a.Weight);
            Assert.Equal(new Dictionary<string, int> { ["control"] = 70, ["candidate"] = 30 }, weights);
            Assert.NotEqual(TrafficSplitState.AdminSource, router.Splits.View().Source);
        }

        var warning = Assert.Single(logs.Entries, e => e.EventName == "StoredSplitDiscarded");
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("'mnist'", warning.Message, StringComparison.Ordinal);
        Assert.Contains("(control, retired) are not the file's arms (candidate, control)", warning.Message, StringComparison.Ordinal);
        using var reopened = new SqliteExperimentStore(state);
        Assert.Empty(reopened.LoadSplits());
    }

    [Fact]
    public async Task A_reload_keeps_the_split_unless_the_file_changes_the_ensembles_weights()
    {
        string routing = _files.Write("routing.json", Config(control: 70, candidate: 30));
        var logs = new CapturingLoggerProvider();
        await using var router = await Start(routing, logs);
        var split = new SetTrafficSplitRequest { Ensemble = "mnist" };
        split.Weights.Add("control", 0);
        split.Weights.Add("candidate", 1);
        await router.Admin.SetTrafficSplitAsync(split, InferenceCalls.Bearer(Token));

        // Another setting changed, the arms and weights as they were: the runtime split stays.
        File.WriteAllText(routing, Config(control: 70, candidate: 30, timeoutMs: 2000));
        Assert.True(router.Provider.TryReload());
        Assert.Equal(0, router.Splits.View().Ensembles["mnist"].FindArm("control")!.Weight);
        Assert.Equal(TrafficSplitState.AdminSource, router.Splits.View().Source);

        // The file changes the weights: the file wins, and the stored split is gone.
        File.WriteAllText(routing, Config(control: 60, candidate: 40, timeoutMs: 2000));
        Assert.True(router.Provider.TryReload());
        Assert.Equal(60, router.Splits.View().Ensembles["mnist"].FindArm("control")!.Weight);
        Assert.Contains(logs.Entries, e => e.EventName == "StoredSplitDiscarded" && e.Message.Contains("the file wins", StringComparison.Ordinal));
        Assert.Empty(router.Host.Services.GetRequiredService<IExperimentStore>().LoadSplits());
    }

    private static SubmitFeedbackRequest Feedback(string id, params int[] labels)
    {
        var request = new SubmitFeedbackRequest { RequestId = id };
        request.Labels.AddRange(labels);
        return request;
    }

    private async Task<Running> Start(string routing, CapturingLoggerProvider? logs = null, params string[] extra)
    {
        var host = RouterHost.Build(
            ["--config", routing, "--port", "0", "--watch", "false", "--warmup", "false", "--Logging:LogLevel:Default", "Warning", .. extra],
            services =>
            {
                services.AddSingleton<IWorkerClient>(new NoWorkers());
                if (logs is not null)
                {
                    services.AddSingleton<ILoggerProvider>(logs);
                }
            });
        await host.StartAsync();
        return new Running(host);
    }

    private static string Config(int control, int candidate, int timeoutMs = 1000) => $$"""
        {
          "model_repository": "{{RepoPaths.Models.Replace("\\", "/", StringComparison.Ordinal)}}",
          "admin_token": "{{Token}}",
          "ensembles": [ { "name": "mnist", "timeout_ms": {{timeoutMs}},
                           "members": [ { "name": "mnist_cnn_1", "endpoints": ["http://127.0.0.1:9201"] },
                                        { "name": "mnist_cnn_2", "endpoints": ["http://127.0.0.1:9202"] } ],
                           "arms": [ { "name": "control", "strategy": "bagging", "weight": {{control}} },
                                     { "name": "candidate", "strategy": "vote", "weight": {{candidate}} } ] } ]
        }
        """;

    private sealed class Running(RouterHost host) : IAsyncDisposable
    {
        private readonly GrpcChannel _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{host.Port}");

        public RouterHost Host => host;

        public RoutingConfigProvider Provider => host.Services.GetRequiredService<RoutingConfigProvider>();

        public TrafficSplitState Splits => host.Services.GetRequiredService<TrafficSplitState>();

        public RouterAdmin.RouterAdminClient Admin => new(_channel);

        public async ValueTask DisposeAsync()
        {
            _channel.Dispose();
            await host.DisposeAsync();
        }
    }

    /// <summary>No inference happens in these tests (warm-up is off and nothing calls ModelInfer).</summary>
    private sealed class NoWorkers : IWorkerClient
    {
        public Task<WorkerReply> InferAsync(string endpoint, MemberModel member, ModelInput input, TimeSpan timeout, CancellationToken cancellationToken) =>
            Task.FromResult(WorkerReply.Failed(MemberFailureKind.WorkerError, "no workers in this test"));

        public Task<WorkerReadiness> ProbeReadyAsync(string endpoint, string model, string version, TimeSpan timeout, CancellationToken cancellationToken) =>
            Task.FromResult(new WorkerReadiness(false, "no workers in this test"));
    }
}
