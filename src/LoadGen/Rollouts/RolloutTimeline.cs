using EnsembleGrpc.LoadGen.Load;

namespace EnsembleGrpc.LoadGen.Rollouts;

/// <summary>
/// Puts a feedback run's experiment together after the run: the watcher's polls and decisions, the feedback tally, and
/// for every poll the client-side p95 of each arm's requests answered since the previous poll (from the request records;
/// requests name their arm when the router reveals it).
/// </summary>
public static class RolloutTimeline
{
    public static RolloutExperiment Build(RolloutWatcher watcher, IReadOnlyList<RequestRecord> records, long measureStart, LoadClock clock, FeedbackTally? feedback)
    {
        var last = watcher.Last;
        var decisions = watcher.Decisions;
        var samples = WithLatency(watcher.Samples, records, measureStart, clock, last?.Baseline ?? "", last?.Candidate ?? "");
        return new RolloutExperiment
        {
            Ensemble = watcher.Ensemble,
            RolloutId = last?.Id ?? "",
            Baseline = last?.Baseline ?? "",
            Candidate = last?.Candidate ?? "",
            Steps = last?.Steps ?? [],
            FinalStatus = last?.Status ?? "no rollout",
            Outcome = decisions.LastOrDefault(d => d.IsFinal),
            PollSeconds = watcher.Poll.TotalSeconds,
            Feedback = feedback,
            Guardrails = last?.Guardrails ?? [],
            Samples = samples,
            Decisions = decisions,
        };
    }

    private static List<RolloutSample> WithLatency(IReadOnlyList<RolloutSample> samples, IReadOnlyList<RequestRecord> records, long measureStart, LoadClock clock, string baseline, string candidate)
    {
        var byCompletion = records.Where(r => r.IsSuccess).OrderBy(r => r.Completed).ToList();
        var result = new List<RolloutSample>(samples.Count);
        var from = long.MinValue;
        var index = 0;
        foreach (var sample in samples)
        {
            var to = measureStart + clock.ToTicks(TimeSpan.FromSeconds(sample.Seconds));
            var interval = new List<RequestRecord>();
            for (; index < byCompletion.Count && byCompletion[index].Completed <= to; index++)
            {
                if (byCompletion[index].Completed > from)
                {
                    interval.Add(byCompletion[index]);
                }
            }

            result.Add(sample with { BaselineP95Ms = P95(interval, baseline, clock), CandidateP95Ms = P95(interval, candidate, clock) });
            from = to;
        }

        return result;
    }

    /// <summary>Nearest-rank p95 of one arm's latencies (ms); null without any.</summary>
    internal static double? P95(IReadOnlyList<RequestRecord> records, string arm, LoadClock clock)
    {
        var latencies = records.Where(r => r.Arm == arm).Select(r => clock.ToSeconds(r.Latency) * 1000).Order().ToList();
        if (latencies.Count == 0)
        {
            return null;
        }

        var rank = (int)Math.Ceiling(0.95 * latencies.Count);
        return latencies[Math.Clamp(rank - 1, 0, latencies.Count - 1)];
    }
}
