using System.Collections.Concurrent;
using EnsembleGrpc.LoadGen.Load;
using EnsembleGrpc.LoadGen.Rollouts;
using Grpc.Core;

namespace EnsembleGrpc.LoadGen.Tests.Rollouts;

/// <summary>
/// A router's admin side for tests: keeps every feedback it is sent, and answers GetRollout with a rollout at 20% that
/// is rolled back on the accuracy guardrail once the clock passes <paramref name="rollbackAt"/>.
/// </summary>
internal sealed class ScriptedRolloutAdmin(LoadClock clock, TimeSpan rollbackAt) : IRolloutAdmin
{
    public const string Reason = "accuracy breached (estimate 0.17, interval [0.09, 0.25], threshold 0.005, Holm-adjusted p 0.00001)";

    public ConcurrentQueue<(string Id, int[] Labels)> Feedback { get; } = new();

    private int _polls;

    public int Polls => Volatile.Read(ref _polls);

    public ValueTask<FeedbackResult> SubmitFeedbackAsync(string requestId, IReadOnlyList<int> labels, CancellationToken cancellationToken)
    {
        Feedback.Enqueue((requestId, [.. labels]));
        return ValueTask.FromResult(new FeedbackResult(StatusCode.OK));
    }

    public ValueTask<RolloutSnapshot?> GetRolloutAsync(string ensemble, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _polls);
        var rolledBack = clock.Elapsed >= rollbackAt;
        var started = new RolloutDecisionPoint { Sequence = 1, At = "2026-12-03T06:00:00Z", Kind = "started", FromPercent = 0, ToPercent = 20, Reason = "started by routing-file" };
        var baseline = new ArmCounts(400, 0, 0, 400, 394);
        var candidate = new ArmCounts(100, 1, 2, 100, 81);
        RolloutDecisionPoint[] decisions = rolledBack
            ? [started, new RolloutDecisionPoint { Sequence = 2, At = "2026-12-03T06:00:05Z", Kind = "rolled_back", FromPercent = 20, ToPercent = 0, Reason = Reason, Baseline = baseline, Candidate = candidate }]
            : [started];
        return ValueTask.FromResult<RolloutSnapshot?>(new RolloutSnapshot
        {
            Id = "mnist-test",
            Status = rolledBack ? RolloutSnapshot.RolledBack : RolloutSnapshot.Running,
            CandidatePercent = rolledBack ? 0 : 20,
            Steps = [20, 50, 100],
            Baseline = "bagging",
            Candidate = "weak",
            Decisions = decisions,
            BaselineTotal = baseline,
            CandidateTotal = candidate,
            Guardrails = [new GuardrailPoint("accuracy", 0.17, 0.00001, rolledBack ? "fail" : "pass")],
        });
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
