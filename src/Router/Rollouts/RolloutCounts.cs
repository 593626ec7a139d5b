using EnsembleGrpc.Router.Rollouts.Statistics;

namespace EnsembleGrpc.Router.Rollouts;

/// <summary>
/// Both arms' tallies and the shadow's agreement over one window, with the latency samples of the window (bounded:
/// the most recent <see cref="LatencyCapacity"/> per arm, enough for a p95 and cheap to store at every tick).
/// </summary>
public sealed record RolloutCounts(
    ArmTally Baseline,
    ArmTally Candidate,
    BinomialCounts Agreement,
    IReadOnlyList<double> BaselineLatencyMs,
    IReadOnlyList<double> CandidateLatencyMs)
{
    public const int LatencyCapacity = 2000;

    public static RolloutCounts Empty { get; } = new(ArmTally.Zero, ArmTally.Zero, new BinomialCounts(0, 0), [], []);

    public RolloutCounts Add(RolloutObservation o) => new(
        Baseline.Add(o.Baseline),
        Candidate.Add(o.Candidate),
        Agreement.Add(o.Agreement),
        Keep(BaselineLatencyMs, o.BaselineLatencyMs),
        Keep(CandidateLatencyMs, o.CandidateLatencyMs));

    private static double[] Keep(IReadOnlyList<double> kept, IReadOnlyList<double> added)
    {
        var all = kept.Concat(added);
        int excess = kept.Count + added.Count - LatencyCapacity;
        return (excess > 0 ? all.Skip(excess) : all).ToArray();
    }
}
