using System.ComponentModel.DataAnnotations;

namespace EnsembleGrpc.Router.Rollouts;

/// <summary>Process-wide rollout settings (section <c>Rollouts</c>, e.g. <c>--Rollouts:TickMs 1000</c>); checked at start.</summary>
public sealed class RolloutOptions
{
    public const string Section = "Rollouts";

    /// <summary>How often the controller reads the counters, evaluates every active rollout and stores its state; default 5000 ms.</summary>
    [Range(10, 3_600_000)]
    public int TickMs { get; set; } = 5000;
}
