namespace EnsembleGrpc.Router.Frontend.Page.Contracts;

/// <summary>
/// What feedback scored: the arm that had answered, its correct rows, and the arm's online accuracy after it; or
/// <see cref="Forwarded"/>: another router replica answered the request and scores the labels.
/// </summary>
public sealed record PageFeedbackAnswer(string Ensemble, string Arm, int Correct, int Total, double ArmOnlineAccuracy, bool Forwarded = false);
