using System.Text.Json;
using System.Text.Json.Serialization;

namespace EnsembleGrpc.Router.Configuration;

/// <summary>The shadow arm: gets a copy of a share of the traffic off the hot path; its answers are only compared.</summary>
public sealed record ShadowConfig
{
    /// <summary>Name of one of the ensemble's arms (usually with weight 0).</summary>
    public string? Arm { get; init; }

    /// <summary>Share of primary requests copied to the shadow, 0–100; default 0 (off).</summary>
    public double? SamplePercent { get; init; }

    /// <summary>Bounded queue in front of the shadow; when full, shadow work is dropped and counted. Default 256.</summary>
    public int? QueueCapacity { get; init; }

    /// <summary>Shadow requests in flight at once; default 2.</summary>
    public int? Concurrency { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnknownKeys { get; init; }
}
