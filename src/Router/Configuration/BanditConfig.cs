using System.Text.Json;
using System.Text.Json.Serialization;

namespace EnsembleGrpc.Router.Configuration;

/// <summary>
/// Thompson-sampling traffic over the ensemble's arms from feedback correctness (README, "Canary rollouts", bandit
/// mode). Its shares are the ensemble's runtime split, so they persist like any split.
/// </summary>
public sealed record BanditConfig
{
    /// <summary>Share every arm keeps, 0–1/arms; default 0.05.</summary>
    public double? MinShare { get; init; }

    /// <summary>Largest change of an arm's share per update, (0, 1]; default 0.1.</summary>
    public double? MaxStep { get; init; }

    /// <summary>Labelled rows every arm needs before the shares move; default 100.</summary>
    public long? MinRowsPerArm { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnknownKeys { get; init; }
}
