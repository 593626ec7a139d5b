using System.Text.Json;
using System.Text.Json.Serialization;

namespace EnsembleGrpc.Router.Configuration;

/// <summary>One arm of the traffic split: a strategy over a set of members, with an integer weight.</summary>
public sealed record ArmConfig
{
    public string? Name { get; init; }

    /// <summary>bagging, boosting, stacking, vote or best.</summary>
    public string? Strategy { get; init; }

    /// <summary>Share of traffic relative to the other arms; 0 keeps the arm for explicit requests and shadowing only. Default 0.</summary>
    public int? Weight { get; init; }

    /// <summary>Subset of the ensemble's members; default every member.</summary>
    public IReadOnlyList<string>? Members { get; init; }

    public StrategyParametersConfig? Parameters { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnknownKeys { get; init; }
}
