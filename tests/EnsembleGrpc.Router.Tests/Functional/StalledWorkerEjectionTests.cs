using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using EnsembleGrpc.Datasets;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Hosting;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Tests.Shared;
using Grpc.Core;
using Grpc.Net.Client;

namespace EnsembleGrpc.Router.Tests.Functional;

/// <summary>
/// A worker process stalled with SIGSTOP (it accepts connections and never answers, unlike a dead one) behind a
/// router with <c>partial_after_ms</c> and outlier ejection: requests keep succeeding, flagged, first as
/// member_late, then with the member ejected; after SIGCONT its probe readmits it and full answers resume.
/// </summary>
public sealed class StalledWorkerEjectionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_stalled_worker_is_ejected_requests_keep_succeeding_flagged_and_it_returns_after_SIGCONT()
    {
        await using var w1 = await InProcessWorker.StartAsync("mnist_cnn_1");
        await using var w3 = await InProcessWorker.StartAsync("mnist_cnn_3");
        await using var stalled = ServerProcess.Start("EnsembleGrpc.InferenceServer.dll",
            "--repository", RepoPaths.Models, "--models", "mnist_cnn_2", "--host", "127.0.0.1", "--port", "0");
        int port = await stalled.ListeningPortAsync();
        using var files = new TestFiles();
        string config = $$"""
            { "model_repository": "{{RepoPaths.Models.Replace("\\", "/", StringComparison.Ordinal)}}",
              "ensembles": [ { "name": "mnist_stall", "quorum": 2, "timeout_ms": 5000, "partial_after_ms": 50,
                "members": [ { "name": "mnist_cnn_1", "endpoints": ["{{w1.Address}}"] },
                             { "name": "mnist_cnn_2", "endpoints": ["http://127.0.0.1:{{port}}"] },
                             { "name": "mnist_cnn_3", "endpoints": ["{{w3.Address}}"] } ],
                "arms": [ { "name": "bagging", "strategy": "bagging", "weight": 1 } ] } ] }
            """;
        await using var router = RouterHost.Build(["--config", files.Write("routing.json", config), "--port", "0", "--watch", "false", "--state", "none",
            "--Router:Ejection:BaseEjectionMs", "300", "--Router:Ejection:MaxEjectionMs", "600", "--Logging:LogLevel:Default", "Warning"]);
        await router.StartAsync();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{router.Port}");
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var input = EgdsDataset.Load(Path.Combine(RepoPaths.Models, "data", "mnist-test.bin")).ToModelInput(0, 1);

        // Whether each answer's request left after the worker was seen stopped: one sent before may have its answer
        // from the worker on the wire already, and come back full after the stall began.
        var answers = new ConcurrentQueue<(bool Fallback, string Reason, bool SentStalled)>();
        int stalledFlag = 0;
        var errors = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        using var progress = new SemaphoreSlim(0);
        var stream = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    bool sentStalled = Volatile.Read(ref stalledFlag) == 1;
                    var response = await client.ModelInferAsync(InferenceCalls.Fp32("mnist_stall", input, 1));
                    answers.Enqueue((InferenceCalls.Fallback(response), InferenceCalls.Str(response, "fallback_reason"), sentStalled));
                }
                catch (RpcException ex)
                {
                    errors.Enqueue(ex.Status.ToString());
                }

                progress.Release();
            }
        });

        bool stopped = false;
        try
        {
            // Enough answers for the peers' latency to be known: the slow-call rule compares with it.
            await Until(progress, () => answers.Count(a => !a.Fallback) >= 30, "30 full answers before the stall");

            Signal("STOP", stalled.Id);
            stopped = true;
            await UntilStopped(stalled.Id);
            Volatile.Write(ref stalledFlag, 1);
            await Until(progress, () => answers.Count(a => a.SentStalled && a.Reason is "mnist_cnn_2: ejected" or "mnist_cnn_2: breaker_open") >= 10, "ten answers without the ejected member");
            var duringStall = answers.Where(a => a.SentStalled).ToList();
            Assert.All(duringStall, a => Assert.True(a.Fallback));
            // Late, then ejected. Each probe after an ejection hangs too, until the 5 s timeout: on a busy machine the
            // stall lasts long enough for those timeouts to open the breaker as well, which is the breaker's job.
            Assert.All(duringStall, a => Assert.Contains(a.Reason, new[] { "mnist_cnn_2: member_late", "mnist_cnn_2: ejected", "mnist_cnn_2: breaker_open" }));

            Signal("CONT", stalled.Id);
            stopped = false;
            Volatile.Write(ref stalledFlag, 0);
            int atResume = answers.Count;
            // Its ejection (300 ms, doubling per failed probe, at most 600 ms) ends; a probe readmits it.
            await Until(progress, () => answers.Skip(atResume).Reverse().Take(5).Count(a => !a.Fallback) == 5 && answers.Count - atResume >= 5, "five full answers after SIGCONT");
        }
        finally
        {
            if (stopped)
            {
                Signal("CONT", stalled.Id);
            }

            await stop.CancelAsync();
            await stream;
            await router.StopAsync(CancellationToken.None);
        }

        Assert.Empty(errors);
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} {pid.ToString(CultureInfo.InvariantCulture)}") { UseShellExecute = false })!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Waits until the kernel shows the process stopped (state T): <c>kill</c> returns before every thread is.</summary>
    private static async Task UntilStopped(int pid)
    {
        var watch = Stopwatch.StartNew();
        while (File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat").Split(") ")[1][0] != 'T')
        {
            Assert.True(watch.Elapsed < Patience, "the worker never showed state T after SIGSTOP");
            await Task.Delay(5);
        }
    }

    private static async Task Until(SemaphoreSlim progress, Func<bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            var left = Patience - watch.Elapsed;
            if (left <= TimeSpan.Zero || !await progress.WaitAsync(left))
            {
                throw new TimeoutException($"waited {Patience.TotalSeconds} s for {what}");
            }
        }
    }
}
