using System.ComponentModel.DataAnnotations;

namespace EnsembleGrpc.Router.Rollouts;

/// <summary>Process-wide rollout settings (section <c>Rollouts</c>, e.g. <c>--Rollouts:TickMs 1000</c>); checked at start.</summary>
public sealed class RolloutOptions : IValidatableObject
{
    public const string Section = "Rollouts";

    /// <summary>How often the controller reads the counters, evaluates every active rollout and stores its state; default 5000 ms.</summary>
    [Range(10, 3_600_000)]
    public int TickMs { get; set; } = 5000;

    /// <summary>
    /// Replicas sharing a PostgreSQL store only: how often each one renews (or tries to take) the decider lease and
    /// loads the stored rollouts, putting a new step into its split. A decision reaches every live replica within
    /// this delay (plus one store round trip); default 2000 ms.
    /// </summary>
    [Range(10, 600_000)]
    public int FollowMs { get; set; } = 2000;

    /// <summary>
    /// Replicas sharing a PostgreSQL store only: how long the decider's lease lasts unless renewed (every
    /// <see cref="FollowMs"/>). A dead decider is replaced after at most this plus one <see cref="FollowMs"/>; at least
    /// 3 × <see cref="FollowMs"/>, so that one slow renewal does not hand the lease over; default 10000 ms.
    /// </summary>
    [Range(30, 3_600_000)]
    public int LeaseMs { get; set; } = 10_000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (LeaseMs < 3L * FollowMs)
        {
            yield return new ValidationResult(
                $"Rollouts:LeaseMs ({LeaseMs}) must be at least 3 × Rollouts:FollowMs ({FollowMs}): the lease is renewed every FollowMs.",
                [nameof(LeaseMs), nameof(FollowMs)]);
        }
    }
}
