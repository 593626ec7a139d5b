namespace EnsembleGrpc.LoadGen.Measurement;

/// <summary>
/// Failed requests of one kind: the gRPC status name and the server's status message, and how many ended so.
/// Messages the server made unique per request are capped (<see cref="FailureTally.MaxKinds"/>) into one
/// "(other messages)" group per status.
/// </summary>
public sealed record FailureGroup(string Status, string Message, long Count);
