namespace EnsembleGrpc.Router.Model;

/// <summary>Snapshot of one member: its model name and version on the workers, its replicas, its validation metrics.</summary>
public sealed record MemberModel
{
    public required string Name { get; init; }

    /// <summary>The model's name on the workers.</summary>
    public required string Model { get; init; }

    public required string Version { get; init; }

    /// <summary>Worker addresses (replicas), normalised without a trailing slash.</summary>
    public required IReadOnlyList<string> Endpoints { get; init; }

    public double? ValidationError { get; init; }

    public double? ValidationAccuracy { get; init; }
}
