namespace EnsembleGrpc.Router.Rollouts;

/// <summary>Where a rollout is. Running and Paused are active (guardrails are checked in both); the rest are final.</summary>
public enum RolloutStatus
{
    Running,

    /// <summary>An operator paused it: no step ends, but a guardrail breach still rolls back.</summary>
    Paused,

    /// <summary>The candidate took all traffic.</summary>
    Promoted,

    /// <summary>A guardrail failed: the candidate's share is 0.</summary>
    RolledBack,

    /// <summary>An operator stopped it: the candidate's share is 0.</summary>
    Aborted,
}
