namespace EnsembleGrpc.Router.Traffic.Assignment;

/// <summary>Why a runtime split change was refused.</summary>
public enum SplitChangeError
{
    None,

    /// <summary>The active config has no ensemble of that name.</summary>
    UnknownEnsemble,

    /// <summary>An arm unnamed or unknown, a negative weight, or a total of 0.</summary>
    InvalidWeights,

    /// <summary>The experiment store could not keep it; not applied, since a restart would silently undo it.</summary>
    NotStored,
}
