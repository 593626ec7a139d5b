using EnsembleGrpc.Router.Rollouts.Statistics;

namespace EnsembleGrpc.Router.Rollouts;

/// <summary>The cumulative counters of both arms (and the shadow) at one moment; two marks give what happened between them.</summary>
public sealed record CounterMark(ArmTally Baseline, ArmTally Candidate, long BaselineLatencies, long CandidateLatencies, BinomialCounts Agreement);
