namespace EnsembleGrpc.Router.Tests.MultiHost;

/// <summary>One request's fate: a full answer, a flagged (degraded) one, or a status.</summary>
/// <param name="Status">Null for an answer; the gRPC status code's name for a failure.</param>
internal sealed record CallOutcome(bool Degraded, string? Status, string Reason, double Milliseconds);
