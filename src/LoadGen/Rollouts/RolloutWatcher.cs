using EnsembleGrpc.LoadGen.Load;

namespace EnsembleGrpc.LoadGen.Rollouts;

/// <summary>
/// Polls the router's view of one ensemble's rollout on the load clock, from measurement start until the rollout is
/// finished or the run's time is up, and keeps each poll as a sample and each decision once (by its sequence number),
/// with when it was first seen. It measures nothing itself: the samples are what the router said.
/// </summary>
public sealed class RolloutWatcher(IRolloutAdmin admin, string ensemble, LoadClock clock, TimeSpan poll)
{
    private readonly object _gate = new();
    private readonly List<RolloutSample> _samples = [];
    private readonly SortedDictionary<long, RolloutDecisionPoint> _decisions = [];
    private RolloutSnapshot? _last;

    public string Ensemble => ensemble;

    public TimeSpan Poll => poll;

    /// <summary>The latest answer; null before the first, or while the ensemble has no rollout.</summary>
    public RolloutSnapshot? Last
    {
        get
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    /// <summary>True once the rollout was seen promoted, rolled back or aborted.</summary>
    public bool IsFinished => Last?.IsFinished == true;

    public IReadOnlyList<RolloutSample> Samples
    {
        get
        {
            lock (_gate)
            {
                return [.. _samples];
            }
        }
    }

    public IReadOnlyList<RolloutDecisionPoint> Decisions
    {
        get
        {
            lock (_gate)
            {
                return [.. _decisions.Values];
            }
        }
    }

    /// <summary>Polls from <paramref name="measureStart"/> until the rollout finishes or <paramref name="until"/> (clock ticks).</summary>
    public async Task RunAsync(long measureStart, long until, CancellationToken cancellationToken)
    {
        var pollTicks = Math.Max(1, clock.ToTicks(poll));
        var next = measureStart;
        try
        {
            while (next <= until)
            {
                await clock.WaitUntilAsync(next, cancellationToken).ConfigureAwait(false);
                await LookAsync(measureStart, cancellationToken).ConfigureAwait(false);
                if (IsFinished)
                {
                    return;
                }

                next += pollTicks;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task LookAsync(long measureStart, CancellationToken cancellationToken)
    {
        var snapshot = await admin.GetRolloutAsync(ensemble, cancellationToken).ConfigureAwait(false);
        var seconds = clock.ToSeconds(clock.Now - measureStart);
        if (snapshot is null)
        {
            return;
        }

        lock (_gate)
        {
            _last = snapshot;
            _samples.Add(new RolloutSample
            {
                Seconds = seconds,
                Status = snapshot.Status,
                CandidatePercent = snapshot.CandidatePercent,
                Baseline = snapshot.BaselineTotal,
                Candidate = snapshot.CandidateTotal,
            });
            foreach (var decision in snapshot.Decisions)
            {
                _decisions.TryAdd(decision.Sequence, decision with { SeenAtSeconds = seconds });
            }
        }
    }
}
