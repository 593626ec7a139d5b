using System.Text.Json;
using System.Text.Json.Serialization;

namespace EnsembleGrpc.Router.Configuration;

/// <summary>Strategy-specific parameters of an arm.</summary>
public sealed record StrategyParametersConfig
{
    /// <summary>boosting: member name → weight (normalised); default SAMME weights from the members' validation errors.</summary>
    public IReadOnlyDictionary<string, double>? Weights { get; init; }

    /// <summary>stacking: the meta-model's name in the model repository (its config lists the members in input order).</summary>
    public string? MetaModel { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnknownKeys { get; init; }
}
