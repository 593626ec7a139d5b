namespace EnsembleGrpc.InferenceServer.Frontend;

/// <summary>What the transport tells about a call, free of transport types: deadline, cancellation, arrival time.</summary>
public readonly record struct RequestContext(DateTimeOffset? Deadline, CancellationToken CancellationToken, long ArrivalTimestamp);
