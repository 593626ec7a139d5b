using System.Globalization;
using System.Text.Json;
using EnsembleGrpc.Protocol.Admin;
using EnsembleGrpc.Router.Tests.Functional;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Tests.Shared;
using Grpc.Core;
using Grpc.Net.Client;

namespace EnsembleGrpc.Router.Tests.Rollouts;

/// <summary>
/// A real router process with a canary in its routing file: the rollout starts by itself, an operator pauses it, the
/// process is killed (SIGKILL, no shutdown), and a new process on the same files resumes the same rollout at the same
/// step with the same decisions, without starting the file's canary a second time.
/// </summary>
public sealed class RolloutRestartProcessTests : IDisposable
{
    private const string Token = "rollout-admin-token";
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task A_killed_router_resumes_the_rollout_from_the_stored_step_and_decisions()
    {
        string routing = _files.Write("routing.json", Config());
        string state = Path.Combine(_files.Directory, "state.db");
        string id;
        await using (var router = Start(routing, state))
        {
            var admin = Admin(await router.ListeningPortAsync());
            var started = await admin.GetRolloutAsync(new GetRolloutRequest { Ensemble = "mnist" });
            Assert.Equal(("running", 5, 1L), (started.Status, started.CandidatePercent, started.Decisions));
            id = started.Id;
            await Assert.ThrowsAsync<RpcException>(async () => await admin.ControlRolloutAsync(new ControlRolloutRequest { Ensemble = "mnist", Action = RolloutAction.Pause }));

            var paused = await admin.ControlRolloutAsync(new ControlRolloutRequest { Ensemble = "mnist", Action = RolloutAction.Pause }, InferenceCalls.Bearer(Token));
            Assert.Equal(("paused", 2L), (paused.Status, paused.Decisions));
        } // killed, not stopped

        await using (var restarted = Start(routing, state))
        {
            var admin = Admin(await restarted.ListeningPortAsync());
            var resumed = await admin.GetRolloutAsync(new GetRolloutRequest { Ensemble = "mnist" });
            Assert.Equal((id, "paused", 5, 0, 2L), (resumed.Id, resumed.Status, resumed.CandidatePercent, resumed.StepIndex, resumed.Decisions));
            Assert.Equal(["started", "paused"], resumed.DecisionLog.Select(d => d.Kind));
            var config = await admin.GetConfigAsync(new GetConfigRequest());
            Assert.Contains("\"weight\": 95", config.ConfigJson, StringComparison.Ordinal);

            var running = await admin.ControlRolloutAsync(new ControlRolloutRequest { Ensemble = "mnist", Action = RolloutAction.Resume }, InferenceCalls.Bearer(Token));
            Assert.Equal(("running", 3L), (running.Status, running.DecisionLog[^1].Sequence));

            // The command line a pipeline gates on: promote by hand, then wait exits 0 (promoted).
            int port = await restarted.ListeningPortAsync();
            string target = "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
            Assert.Equal(0, (await Cli("rollout", "promote", "--target", target, "--token", Token)).Exit);
            var (exit, stdout) = await Cli("rollout", "wait", "--target", target, "--wait-timeout", "30");
            Assert.Equal(0, exit);
            Assert.Contains("promoted", stdout, StringComparison.Ordinal);
            string report = Path.Combine(_files.Directory, "report.json");
            Assert.Equal(0, (await Cli("rollout", "report", "--target", target, "--json", report)).Exit);
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(report));
            Assert.Equal(4, json.RootElement.GetProperty("decision_log").GetArrayLength());
        }
    }

    private static Task<(int Exit, string Stdout)> Cli(params string[] args) => EnsembleCli.RunAsync(TimeSpan.FromSeconds(60), args);

    private static ServerProcess Start(string routing, string state) => ServerProcess.Start(
        "EnsembleGrpc.Router.dll", "--config", routing, "--state", state, "--port", "0", "--watch", "false", "--warmup", "false", "--Rollouts:TickMs", "100");

    private static RouterAdmin.RouterAdminClient Admin(int port) => new(GrpcChannel.ForAddress($"http://127.0.0.1:{port}"));

    private static string Config() => $$"""
        {
          "model_repository": "{{RepoPaths.Models.Replace("\\", "/", StringComparison.Ordinal)}}",
          "admin_token": "{{Token}}",
          "ensembles": [ { "name": "mnist",
                           "members": [ { "name": "mnist_cnn_1", "endpoints": ["http://127.0.0.1:9211"] },
                                        { "name": "mnist_cnn_2", "endpoints": ["http://127.0.0.1:9212"] } ],
                           "arms": [ { "name": "control", "strategy": "bagging", "weight": 100 },
                                     { "name": "candidate", "strategy": "vote", "weight": 0 } ],
                           "canary": { "baseline": "control", "candidate": "candidate", "steps": [5, 20, 100], "min_samples": 1000 } } ]
        }
        """;
}
