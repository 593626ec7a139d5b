using System.Text.Json;
using System.Text.Json.Serialization;

namespace EnsembleGrpc.Router.Configuration;

/// <summary>One ensemble, exposed to clients as a virtual model named <see cref="Name"/>.</summary>
public sealed record EnsembleConfig
{
    public string? Name { get; init; }

    public IReadOnlyList<MemberConfig>? Members { get; init; }

    public IReadOnlyList<ArmConfig>? Arms { get; init; }

    public ShadowConfig? Shadow { get; init; }

    /// <summary>How many members must answer for a (fallback) answer; default 1.</summary>
    public int? Quorum { get; init; }

    /// <summary>Whether responses carry the serving arm in parameter <c>arm</c>; default false (users should not learn their variant).</summary>
    public bool? RevealArm { get; init; }

    /// <summary>Largest batch (N) accepted in one request; default 256.</summary>
    public int? MaxBatchSize { get; init; }

    /// <summary>Per-call timeout towards a member's worker, in milliseconds; default 1000.</summary>
    public int? TimeoutMs { get; init; }

    public BreakerConfig? Breaker { get; init; }

    /// <summary>
    /// Answer without the members still running this many milliseconds after the quorum answered (a flagged partial
    /// answer, reason member_late); default none: wait for every member up to <see cref="TimeoutMs"/>.
    /// </summary>
    public int? PartialAfterMs { get; init; }

    /// <summary>A progressive rollout between two of the arms; none by default (see README, "Canary rollouts").</summary>
    public CanaryConfig? Canary { get; init; }

    /// <summary>Thompson-sampling shares over the arms from feedback; none by default. Not with <see cref="Canary"/>.</summary>
    public BanditConfig? Bandit { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnknownKeys { get; init; }
}
