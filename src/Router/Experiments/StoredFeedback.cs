namespace EnsembleGrpc.Router.Experiments;

/// <summary>The feedback totals of one arm: labelled rows and correct rows.</summary>
public sealed record StoredFeedback(string Ensemble, string Arm, long Rows, long Correct);
