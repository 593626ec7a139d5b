using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Configuration;

/// <summary>
/// An immutable snapshot of the whole routing configuration, built from a validated <see cref="RoutingConfig"/>.
/// Requests read <see cref="RoutingConfigProvider.Current"/> once and use that snapshot throughout, so a concurrent
/// reload never mixes two configurations in one request.
/// </summary>
public sealed record RouterModel
{
    public required RoutingConfig Config { get; init; }

    /// <summary>1 for the first load, then one more per accepted reload or split change.</summary>
    public required long Version { get; init; }

    /// <summary>The file the config came from, or "admin" after a runtime split change.</summary>
    public required string Source { get; init; }

    public required DateTimeOffset LoadedAt { get; init; }

    /// <summary>Token for admin writes; null when none is configured (admin writes are then always refused).</summary>
    public string? AdminToken { get; init; }

    public required IReadOnlyDictionary<string, EnsembleModel> Ensembles { get; init; }
}
