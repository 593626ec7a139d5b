namespace EnsembleGrpc.Router.Traffic;

/// <summary>What the router remembers of an answered request: where it went and what it predicted.</summary>
public sealed record LedgerEntry(string RequestId, string Ensemble, string Arm, string Strategy, int[] Predictions);
