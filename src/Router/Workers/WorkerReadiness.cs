namespace EnsembleGrpc.Router.Workers;

/// <summary>A worker's answer to a readiness probe of one model: ready or not, and why not in words.</summary>
public sealed record WorkerReadiness(bool Ready, string Reason);
