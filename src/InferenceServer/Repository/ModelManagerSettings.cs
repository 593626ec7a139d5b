using EnsembleGrpc.InferenceServer.Faults;
using EnsembleGrpc.InferenceServer.Scheduling;

namespace EnsembleGrpc.InferenceServer.Repository;

/// <summary>What the manager serves and how: resolved from the worker's options at startup.</summary>
public sealed record ModelManagerSettings
{
    public required string RepositoryRoot { get; init; }

    public required IReadOnlyList<string> ModelNames { get; init; }

    public SchedulingOverrides Scheduling { get; init; } = new();

    public FaultOptions Faults { get; init; } = new();
}
