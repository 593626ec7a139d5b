using EnsembleGrpc.Router.Rollouts.Statistics;

namespace EnsembleGrpc.Router.Rollouts;

/// <summary>What happened since the previous tick: the new requests, feedback and shadow comparisons of both arms.</summary>
public sealed record RolloutObservation(
    ArmTally Baseline,
    ArmTally Candidate,
    BinomialCounts Agreement,
    IReadOnlyList<double> BaselineLatencyMs,
    IReadOnlyList<double> CandidateLatencyMs)
{
    public static RolloutObservation None { get; } = new(ArmTally.Zero, ArmTally.Zero, new BinomialCounts(0, 0), [], []);
}
