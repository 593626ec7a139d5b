namespace EnsembleGrpc.Router.Frontend.Page.Contracts;

/// <summary><c>POST /page/api/feedback</c>: the true label of every row of an answered request, as SubmitFeedback takes them.</summary>
public sealed record PageFeedbackRequest(string? RequestId, IReadOnlyList<int>? Labels);
