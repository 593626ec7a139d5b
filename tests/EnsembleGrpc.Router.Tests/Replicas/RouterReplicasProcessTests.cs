using System.Diagnostics;
using System.Globalization;
using EnsembleGrpc.Datasets;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Protocol.Admin;
using EnsembleGrpc.Router.Rollouts;
using EnsembleGrpc.Router.Rollouts.Persistence;
using EnsembleGrpc.Router.Tests.Functional;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Tests.Shared;
using Grpc.Net.Client;
using Npgsql;
using Xunit.Abstractions;

namespace EnsembleGrpc.Router.Tests.Replicas;

/// <summary>
/// Two router processes on one PostgreSQL database, the way replicas behind a load balancer run: the routing file's
/// canary starts once, both replicas serve traffic, and the decider counts both. The decider is then killed
/// (SIGKILL) mid-rollout; the survivor takes the lease over and continues from the stored step. Every request is
/// counted exactly once, the decision numbers run 1, 2, 3 without a gap or a repeat, and the follower applies each
/// step within the follow delay.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RouterReplicasProcessTests(PostgresServer server, ITestOutputHelper output) : IDisposable
{
    private const int FollowMs = 250;
    private const int LeaseMs = 1500;
    private const string Token = "replica-admin-token";
    private const string Canary = """
        ,
                           "canary": { "baseline": "control", "candidate": "candidate", "steps": [10, 30, 60, 100],
                                       "min_samples": 5, "min_step_seconds": 6 }
        """;
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(3);
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [PostgresFact]
    public async Task A_killed_decider_is_replaced_and_the_rollout_continues_from_the_stored_step_with_every_count_once()
    {
        string database = server.CreateDatabase();
        await using var worker = await InProcessWorker.StartAsync("mnist_cnn_1,mnist_cnn_2");
        string routing = _files.Write("routing.json", Config(worker.Address));
        await using var first = Start(routing, database);
        int firstPort = await first.ListeningPortAsync();
        await using var second = Start(routing, database);
        int secondPort = await second.ListeningPortAsync();
        var leader = await Holder(database);
        var (decider, survivor) = leader.Contains(Pid(first), StringComparison.Ordinal) ? (first, second) : (second, first);
        int survivorPort = survivor == first ? firstPort : secondPort;
        var survivorAdmin = Admin(survivorPort);
        Assert.Equal((1L, 10), await View(survivorAdmin));

        // Both replicas serve until the follower routes at the next step; the step ends (6 s, 5 samples per arm) on
        // what the decider sums.
        var applied = WaitForPercent(survivorAdmin, 30);
        long[] served = await Task.WhenAll(Traffic(firstPort, applied), Traffic(secondPort, applied));
        var seen = await applied;
        var advanced = (await Decisions(database)).Single(d => d.Sequence == 2);
        var followDelay = seen - advanced.At;
        output.WriteLine($"replicas served {served[0]} and {served[1]} requests; the follower applied 10 → 30 % {followDelay.TotalMilliseconds:0} ms after the decision");
        Assert.All(served, n => Assert.True(n > 0));
        Assert.InRange(followDelay, TimeSpan.Zero, TimeSpan.FromMilliseconds(FollowMs) + Slack);
        Assert.Equal(served.Sum(), await Until(database, total => total == served.Sum()));

        // The decider dies mid-rollout; the survivor takes over and decides on the stored step.
        var killed = Stopwatch.StartNew();
        await decider.DisposeAsync();
        var takenBy = await Holder(database, except: leader);
        output.WriteLine($"lease taken over {killed.ElapsedMilliseconds} ms after SIGKILL (lease {LeaseMs} ms, follow {FollowMs} ms)");
        Assert.Contains(Pid(survivor), takenBy, StringComparison.Ordinal);
        Assert.InRange(killed.Elapsed, TimeSpan.Zero, TimeSpan.FromMilliseconds(LeaseMs + FollowMs) + Slack);
        var next = WaitForPercent(survivorAdmin, 60);
        long afterKill = await Traffic(survivorPort, next);
        await next;

        var decisions = await Decisions(database);
        Assert.Equal([1L, 2, 3], decisions.Select(d => d.Sequence));
        Assert.Equal([DecisionKind.Started, DecisionKind.Advanced, DecisionKind.Advanced], decisions.Select(d => d.Kind));
        Assert.Equal([(0, 10), (10, 30), (30, 60)], decisions.Select(d => (d.FromPercent, d.ToPercent)));
        Assert.Equal([(long?)null, 1, 2], await Epochs(database));
        Assert.Equal(served.Sum() + afterKill, await Until(database, total => total == served.Sum() + afterKill));
        Assert.False(survivor.HasExited);
    }

    [PostgresFact]
    public async Task Feedback_sent_to_the_replica_that_did_not_answer_counts_at_the_one_that_did()
    {
        string database = server.CreateDatabase();
        await using var worker = await InProcessWorker.StartAsync("mnist_cnn_1,mnist_cnn_2");
        string routing = _files.Write("routing.json", Config(worker.Address, canary: false));
        await using var first = Start(routing, database, "--Router:FeedbackRelay:IntervalMs", "100");
        await using var second = Start(routing, database, "--Router:FeedbackRelay:IntervalMs", "100");
        var (firstAdmin, secondAdmin) = (Admin(await first.ListeningPortAsync()), Admin(await second.ListeningPortAsync()));
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{await first.ListeningPortAsync()}");
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var data = EgdsDataset.Load(Path.Combine(RepoPaths.Models, "data", "mnist-test.bin"));

        var sent = new List<SubmitFeedbackResponse>();
        for (int i = 0; i < 6; i++)
        {
            var response = await client.ModelInferAsync(InferenceCalls.Fp32("mnist", data.ToModelInput(i, 1), 1));
            var feedback = new SubmitFeedbackRequest { RequestId = response.Id, Labels = { data.Labels[i] } };
            sent.Add(await secondAdmin.SubmitFeedbackAsync(feedback, InferenceCalls.Bearer(Token))); // the balancer's other replica
        }

        Assert.All(sent, r => Assert.True(r.Forwarded && r.Total == 1 && r.Arm.Length == 0));
        var limit = Stopwatch.StartNew();
        while (await FeedbackRows(firstAdmin) < 6)
        {
            Assert.True(limit.Elapsed < ServerProcess.Timeout, "the answering replica never scored the forwarded feedback");
            await Task.Delay(20);
        }

        Assert.Equal(6, await FeedbackRows(firstAdmin));
        Assert.Equal(0, await FeedbackRows(secondAdmin));
        Assert.Equal(0L, await Scalar<long>(database, "SELECT count(*) FROM feedback_forwarded;"));
    }

    private static async Task<long> FeedbackRows(RouterAdmin.RouterAdminClient admin)
    {
        var stats = await admin.GetStatisticsAsync(new GetStatisticsRequest { Ensemble = "mnist" });
        return (long)stats.Ensembles[0].Arms.Sum(a => (decimal)a.FeedbackRows);
    }

    private static string Pid(ServerProcess process) => "/" + process.Id.ToString(CultureInfo.InvariantCulture) + "/";

    private static ServerProcess Start(string routing, string database, params string[] more) => ServerProcess.Start(
        "EnsembleGrpc.Router.dll", ["--config", routing, "--state", database, "--port", "0", "--watch", "false", "--warmup", "false",
        "--Rollouts:TickMs", "200", "--Rollouts:FollowMs", FollowMs.ToString(CultureInfo.InvariantCulture), "--Rollouts:LeaseMs", LeaseMs.ToString(CultureInfo.InvariantCulture), .. more]);

    private static RouterAdmin.RouterAdminClient Admin(int port) => new(GrpcChannel.ForAddress($"http://127.0.0.1:{port}"));

    private static async Task<(long Decisions, int Percent)> View(RouterAdmin.RouterAdminClient admin)
    {
        var view = await admin.GetRolloutAsync(new GetRolloutRequest { Ensemble = "mnist" });
        return (view.Decisions, view.CandidatePercent);
    }

    /// <summary>When this replica's view (state and split, set together) first shows <paramref name="percent"/>; polled every 20 ms.</summary>
    private static async Task<DateTimeOffset> WaitForPercent(RouterAdmin.RouterAdminClient admin, int percent)
    {
        var limit = Stopwatch.StartNew();
        while ((await View(admin)).Percent != percent)
        {
            Assert.True(limit.Elapsed < ServerProcess.Timeout, $"the replica never showed {percent} %");
            await Task.Delay(20);
        }

        return DateTimeOffset.UtcNow;
    }

    /// <summary>Requests, four at a time, to one replica until <paramref name="until"/> completes; every one must be answered. Returns how many.</summary>
    private static async Task<long> Traffic(int port, Task until)
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var input = EgdsDataset.Load(Path.Combine(RepoPaths.Models, "data", "mnist-test.bin")).ToModelInput(0, 1);
        long answered = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            while (!until.IsCompleted)
            {
                await client.ModelInferAsync(InferenceCalls.Fp32("mnist", input, 1));
                Interlocked.Increment(ref answered);
            }
        }));
        return answered;
    }

    /// <summary>The lease holder once there is one (other than <paramref name="except"/>), polled every 20 ms.</summary>
    private static async Task<string> Holder(string database, string? except = null)
    {
        var limit = Stopwatch.StartNew();
        while (true)
        {
            string? holder = await Scalar<string>(database, "SELECT holder FROM rollout_lease WHERE name = 'decider';");
            if (holder is not null && holder != except)
            {
                return holder;
            }

            Assert.True(limit.Elapsed < ServerProcess.Timeout, "no replica took the lease");
            await Task.Delay(20);
        }
    }

    /// <summary>The requests of both arms the stored rollout has counted, once <paramref name="done"/> accepts it (bounded wait).</summary>
    private static async Task<long> Until(string database, Func<long, bool> done)
    {
        var limit = Stopwatch.StartNew();
        while (true)
        {
            var state = RolloutJson.Deserialize<RolloutState>((await Scalar<string>(database, "SELECT state_json FROM rollout;"))!);
            long total = state.Total.Baseline.Requests + state.Total.Candidate.Requests;
            if (done(total) || limit.Elapsed > TimeSpan.FromSeconds(20))
            {
                return total;
            }

            await Task.Delay(50);
        }
    }

    private static async Task<List<RolloutDecision>> Decisions(string database)
    {
        await using var source = NpgsqlDataSource.Create(database);
        await using var command = source.CreateCommand("SELECT decision_json FROM rollout_decision ORDER BY seq;");
        await using var reader = await command.ExecuteReaderAsync();
        var decisions = new List<RolloutDecision>();
        while (await reader.ReadAsync())
        {
            decisions.Add(RolloutJson.Deserialize<RolloutDecision>(reader.GetString(0)));
        }

        return decisions;
    }

    private static async Task<List<long?>> Epochs(string database)
    {
        await using var source = NpgsqlDataSource.Create(database);
        await using var command = source.CreateCommand("SELECT lease_epoch FROM rollout_decision ORDER BY seq;");
        await using var reader = await command.ExecuteReaderAsync();
        var epochs = new List<long?>();
        while (await reader.ReadAsync())
        {
            epochs.Add(reader.IsDBNull(0) ? null : reader.GetInt64(0));
        }

        return epochs;
    }

    private static async Task<T?> Scalar<T>(string database, string sql)
    {
        await using var source = NpgsqlDataSource.Create(database);
        await using var command = source.CreateCommand(sql);
        return await command.ExecuteScalarAsync() is T value ? value : default;
    }

    /// <summary>A long member timeout: cold members on a busy machine must not fail requests (every request is counted and must be answered).</summary>
    private static string Config(string worker, bool canary = true) => $$"""
        {
          "model_repository": "{{RepoPaths.Models.Replace("\\", "/", StringComparison.Ordinal)}}",
          "admin_token": "{{Token}}",
          "ensembles": [ { "name": "mnist", "timeout_ms": 15000,
                           "members": [ { "name": "mnist_cnn_1", "endpoints": ["{{worker}}"] },
                                        { "name": "mnist_cnn_2", "endpoints": ["{{worker}}"] } ],
                           "arms": [ { "name": "control", "strategy": "bagging", "weight": 100 },
                                     { "name": "candidate", "strategy": "vote", "weight": 0 } ]{{(canary ? Canary : "")}} } ]
        }
        """;
}
