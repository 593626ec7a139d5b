namespace EnsembleGrpc.Router.Rollouts;

/// <summary>What each decision does to a rollout's state (pure): the one place the state machine lives.</summary>
public static class RolloutTransitions
{
    public static RolloutState Apply(RolloutState state, DecisionKind kind, string reason, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        var next = state with { Decisions = state.Decisions + 1 };
        return kind switch
        {
            DecisionKind.Advanced => next with { StepIndex = state.StepIndex + 1, StepStartedAt = now, Step = RolloutCounts.Empty, HoldReason = null },
            DecisionKind.Held => next with { HoldReason = reason },
            DecisionKind.RolledBack => next with { Status = RolloutStatus.RolledBack },
            DecisionKind.Promoted => next with { Status = RolloutStatus.Promoted },
            DecisionKind.Aborted => next with { Status = RolloutStatus.Aborted },
            DecisionKind.Paused => next with { Status = RolloutStatus.Paused },
            DecisionKind.Resumed => next with { Status = RolloutStatus.Running, HoldReason = null },
            _ => next,
        };
    }

    /// <summary>Whether an operator command applies to a rollout in <paramref name="status"/>.</summary>
    public static bool Allows(RolloutStatus status, DecisionKind command) => command switch
    {
        DecisionKind.Paused => status == RolloutStatus.Running,
        DecisionKind.Resumed => status == RolloutStatus.Paused,
        DecisionKind.Aborted or DecisionKind.Promoted => status is RolloutStatus.Running or RolloutStatus.Paused,
        _ => false,
    };
}
