using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Traffic.Assignment;

/// <summary>One ensemble of a <see cref="SplitTable"/>: the snapshot it was built on and its effective shares.</summary>
public sealed record SplitTableEntry(EnsembleModel Ensemble, CumulativeShares Shares, ActiveSplit? Split);
