using System.Text.Json;
using System.Text.Json.Serialization;

namespace EnsembleGrpc.Router.Configuration;

/// <summary>
/// The routing file as written (immutable input). Absent values are null and take the documented defaults of
/// <see cref="RoutingDefaults"/> when the <see cref="RouterModel"/> snapshot is built.
/// </summary>
public sealed record RoutingConfig
{
    /// <summary>Bearer token that authorises admin writes; the environment variable ENSEMBLEGRPC_ADMIN_TOKEN wins over it.</summary>
    public string? AdminToken { get; init; }

    /// <summary>Model repository (member configs with validation metrics, meta-models); relative to the config file's folder.</summary>
    public string? ModelRepository { get; init; }

    public IReadOnlyList<EnsembleConfig>? Ensembles { get; init; }

    /// <summary>Keys the schema does not know; reported by the validator so that a typo is not silently ignored.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnknownKeys { get; init; }
}
