using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Rollouts.Statistics;
using EnsembleGrpc.Router.Traffic;

namespace EnsembleGrpc.Router.Rollouts;

/// <summary>
/// Reads the router's running arm counters (kept by <see cref="TrafficStatistics"/> anyway) as marks and deltas, so
/// the rollout needs nothing on the request path. Counters restart at 0 with the process (feedback totals at their
/// stored values): a controller marks them when it loads a rollout, and adds only what comes after.
/// </summary>
public sealed class CounterReader(TrafficStatistics statistics, RoutingConfigProvider config)
{
    public CounterMark Mark(string ensemble, RolloutSpec spec)
    {
        var a = statistics.Arm(ensemble, spec.Baseline);
        var b = statistics.Arm(ensemble, spec.Candidate);
        return new CounterMark(Tally(a), Tally(b), a.Latency.Count, b.Latency.Count, Agreement(ensemble, spec));
    }

    /// <summary>What happened since <paramref name="previous"/>, and the new mark.</summary>
    public (RolloutObservation Observation, CounterMark Mark) Since(string ensemble, RolloutSpec spec, CounterMark previous)
    {
        var a = statistics.Arm(ensemble, spec.Baseline);
        var b = statistics.Arm(ensemble, spec.Candidate);
        var latencyA = a.Latency.Since(previous.BaselineLatencies, out long countA);
        var latencyB = b.Latency.Since(previous.CandidateLatencies, out long countB);
        var mark = new CounterMark(Tally(a), Tally(b), countA, countB, Agreement(ensemble, spec));
        var observation = new RolloutObservation(
            Minus(mark.Baseline, previous.Baseline),
            Minus(mark.Candidate, previous.Candidate),
            new BinomialCounts(mark.Agreement.Events - previous.Agreement.Events, mark.Agreement.Trials - previous.Agreement.Trials),
            latencyA,
            latencyB);
        return (observation, mark);
    }

    /// <summary>The shadow speaks for the candidate only when the candidate is the ensemble's shadow arm.</summary>
    private BinomialCounts Agreement(string ensemble, RolloutSpec spec)
    {
        if (!config.Current.Ensembles.TryGetValue(ensemble, out var model) || model.Shadow?.Arm.Name != spec.Candidate)
        {
            return new BinomialCounts(0, 0);
        }

        var shadow = statistics.Shadow(ensemble);
        return new BinomialCounts(shadow.AgreedRows, shadow.ComparedRows);
    }

    private static ArmTally Tally(ArmCounters c) => new(c.Requests - c.Rejections, c.Errors, c.Fallbacks, c.FeedbackRows, c.FeedbackCorrect);

    private static ArmTally Minus(ArmTally now, ArmTally before) => new(
        now.Requests - before.Requests,
        now.Errors - before.Errors,
        now.Fallbacks - before.Fallbacks,
        now.FeedbackRows - before.FeedbackRows,
        now.FeedbackCorrect - before.FeedbackCorrect);
}
