namespace EnsembleGrpc.Router.Rollouts;

/// <summary>What a recorded decision did.</summary>
public enum DecisionKind
{
    Started,
    Advanced,

    /// <summary>The step's time and samples are in, but something (SRM, non-inferiority not shown) keeps it from ending.</summary>
    Held,
    RolledBack,
    Promoted,
    Paused,
    Resumed,
    Aborted,
}
