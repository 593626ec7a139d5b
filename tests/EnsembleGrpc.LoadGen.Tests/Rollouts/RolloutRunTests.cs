using System.Collections.Concurrent;
using System.Text.Json;
using EnsembleGrpc.LoadGen.Backend;
using EnsembleGrpc.LoadGen.Measurement;
using EnsembleGrpc.LoadGen.Profiling;
using EnsembleGrpc.LoadGen.Reports;
using EnsembleGrpc.LoadGen.Rollouts;
using EnsembleGrpc.LoadGen.Tests.Fakes;
using Grpc.Core;

namespace EnsembleGrpc.LoadGen.Tests.Rollouts;

/// <summary>
/// Feedback mode and a followed rollout without a router: a scripted target that answers with request ids and arms,
/// a scripted admin side whose rollout is rolled back 3 s into measurement, virtual time.
/// </summary>
public sealed class RolloutRunTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "loadgen-rollout-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Every_answered_request_gets_its_true_labels_as_feedback_and_the_run_ends_with_the_rollout()
    {
        var (clock, admin, sent, feedback, measured, experiment) = await RunAsync();

        // Ends at the first 1 s window after the rollback was seen (3 s), far before the 60 s limit.
        Assert.InRange(measured.Summary.DurationSeconds, 3, 5);
        Assert.Equal(sent.Count, feedback.Tally.Submitted);
        Assert.Equal((sent.Count, 0L), (feedback.Tally.Accepted, feedback.Tally.Failed));
        Assert.Equal(sent.Count, admin.Feedback.Count);
        Assert.All(admin.Feedback, f => Assert.Equal(sent[f.Id], f.Labels));

        Assert.Equal("rolled_back", experiment.FinalStatus);
        Assert.Equal(["started", "rolled_back"], experiment.Decisions.Select(d => d.Kind));
        Assert.Equal((2L, 500L), (experiment.Outcome!.Sequence, experiment.Outcome.Requests!.Value));
        Assert.InRange(experiment.Outcome.SeenAtSeconds, 3, 3.5); // polled every 500 ms
        Assert.Equal(20, experiment.Samples[0].CandidatePercent);
        Assert.Equal(0, experiment.Samples[^1].CandidatePercent);
        // Client p95 per arm and poll interval, from the records (the target takes 4 ms on "bagging", 9 ms on "weak").
        Assert.Contains(experiment.Samples.Skip(1), s => s.BaselineP95Ms is > 3.9 and < 4.1 && s.CandidateP95Ms is > 8.9 and < 9.1);
        Assert.True(admin.Polls <= 8, $"polled {admin.Polls} times");
    }

    [Fact]
    public async Task The_experiment_files_hold_the_decisions_with_their_kind_and_reason()
    {
        var (_, _, _, _, measured, experiment) = await RunAsync();
        var report = new ProfileReport { Run = new RunInfo { Target = "http://scripted", Model = "mnist", Mode = "rollout" }, Steps = [measured.Summary], Rollout = experiment };

        var written = ReportFiles.Write(report, Path.Combine(_directory, "canary"));

        using var json = JsonDocument.Parse(File.ReadAllText(Single(written, "-rollout.json")));
        var decisions = json.RootElement.GetProperty("decisions");
        Assert.Equal(["started", "rolled_back"], decisions.EnumerateArray().Select(d => d.GetProperty("kind").GetString()));
        Assert.Equal(ScriptedRolloutAdmin.Reason, decisions[1].GetProperty("reason").GetString());
        Assert.Equal("rolled_back", json.RootElement.GetProperty("outcome").GetProperty("kind").GetString());
        Assert.Equal(0.81, json.RootElement.GetProperty("outcome").GetProperty("candidate").GetProperty("accuracy").GetDouble(), 6);

        var svg = File.ReadAllText(Single(written, "-rollout-timeline.svg"));
        Assert.Contains("data-kind=\"started\"", svg, StringComparison.Ordinal);
        Assert.Contains("data-kind=\"rolled_back\"", svg, StringComparison.Ordinal);
        Assert.Contains("rolled_back 20→0%: accuracy breached", svg, StringComparison.Ordinal);
        Assert.Contains("data-series=\"candidate share\"", svg, StringComparison.Ordinal);
        Assert.Contains("data-series=\"accuracy weak\"", svg, StringComparison.Ordinal);
        Assert.Contains("data-series=\"p95 bagging\"", svg, StringComparison.Ordinal);

        var text = File.ReadAllText(Single(written, "-rollout.txt"));
        Assert.Contains("Outcome: rolled_back after 500 requests (candidate 100)", text, StringComparison.Ordinal);
        Assert.Contains("weak: 100 requests, accuracy 81.00% of 100 labelled, errors 1.00%, fallbacks 2.00%", text, StringComparison.Ordinal);
    }

    private static string Single(IReadOnlyList<string> written, string suffix) => Assert.Single(written, p => p.EndsWith(suffix, StringComparison.Ordinal));

    private static async Task<(VirtualClock Clock, ScriptedRolloutAdmin Admin, ConcurrentDictionary<string, int[]> Sent, FeedbackBackend Feedback, StepMeasurement Measured, RolloutExperiment Experiment)> RunAsync()
    {
        var clock = new VirtualClock();
        var sent = new ConcurrentDictionary<string, int[]>();
        var target = new ScriptedBackend(
            clock,
            call => TimeSpan.FromMilliseconds(call.Index % 5 == 0 ? 9 : 4),
            call =>
            {
                var id = "request-" + call.Index;
                sent[id] = call.Request.Labels!;
                return new InferOutcome { Status = StatusCode.OK, RequestId = id, Arm = call.Index % 5 == 0 ? "weak" : "bagging", Predictions = call.Request.Labels };
            });
        var admin = new ScriptedRolloutAdmin(clock, TimeSpan.FromSeconds(4)); // measurement starts after 1 s of warm-up
        var feedback = new FeedbackBackend(target, admin);
        var options = new MeasurementOptions { Warmup = TimeSpan.FromSeconds(1), Window = TimeSpan.FromSeconds(1) };
        var profiler = new Profiler(feedback, TestRequests.Factory(), clock, options, ServerStatisticsReader.None, NullRunObserver.Instance, new ProfilerOptions());
        var watcher = new RolloutWatcher(admin, "mnist", clock, TimeSpan.FromMilliseconds(500));

        var measured = clock.Run(profiler.RolloutRunAsync(watcher, TimeSpan.FromSeconds(60), rate: 100, concurrency: 1, CancellationToken.None));
        Assert.True(await feedback.FlushAsync(TimeSpan.FromSeconds(30)));

        return (clock, admin, sent, feedback, measured, RolloutTimeline.Build(watcher, measured.Records, measured.MeasureStart, clock, feedback.Tally));
    }
}
