using System.Text.Json;
using System.Text.Json.Serialization;

namespace EnsembleGrpc.Router.Configuration;

/// <summary>One arm of the traffic split: a strategy over a set of members, with an integer weight.</summary>
public sealed record ArmConfig
{
    public string? Name { get; init; }

    /// <summary>A registered strategy's name: bagging, boosting, stacking, vote or best (the built-ins).</summary>
    public string? Strategy { get; init; }

    /// <summary>Share of traffic relative to the other arms; 0 keeps the arm for explicit requests and shadowing only. Default 0.</summary>
    public int? Weight { get; init; }

    /// <summary>Subset of the ensemble's members; default every member.</summary>
    public IReadOnlyList<string>? Members { get; init; }

    /// <summary>
    /// The strategy's own parameters, kept as written: the strategy reads and checks its keys when it prepares the
    /// arm (e.g. boosting's <c>weights</c>, stacking's <c>meta_model</c>).
    /// </summary>
    public JsonElement? Parameters { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnknownKeys { get; init; }
}
