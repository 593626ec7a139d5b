namespace EnsembleGrpc.Router.Rollouts;

/// <summary>Why an operator's rollout command was refused.</summary>
public enum RolloutCommandError
{
    None,
    UnknownEnsemble,

    /// <summary>The rollout's settings do not pass <c>CanaryConfigRules</c>.</summary>
    InvalidSpec,

    /// <summary>A rollout is already running or paused on this ensemble.</summary>
    AlreadyActive,

    /// <summary>No running or paused rollout to pause, resume, abort or promote (or not in the state the command needs).</summary>
    NotActive,

    /// <summary>The store could not keep the decision; nothing changed.</summary>
    NotStored,
}
