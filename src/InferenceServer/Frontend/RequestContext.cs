namespace EnsembleGrpc.InferenceServer.Frontend;

/// <summary>
/// What the transport tells about a call, free of transport types: deadline, cancellation, arrival time, and
/// whether the transport cancels the token itself when the deadline passes.
/// </summary>
public readonly record struct RequestContext(DateTimeOffset? Deadline, CancellationToken CancellationToken, long ArrivalTimestamp, bool DeadlineCancelsToken = false);
