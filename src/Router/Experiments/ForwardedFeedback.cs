namespace EnsembleGrpc.Router.Experiments;

/// <summary>Labels that another replica received for a request, waiting in the shared store for the one that answered it.</summary>
public sealed record ForwardedFeedback(string RequestId, IReadOnlyList<int> Labels, DateTimeOffset At);
