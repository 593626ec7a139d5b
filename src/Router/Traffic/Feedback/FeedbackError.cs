namespace EnsembleGrpc.Router.Traffic.Feedback;

/// <summary>Why feedback was not scored.</summary>
public enum FeedbackError
{
    None,

    /// <summary>The request id was never answered, or the ledger has forgotten it.</summary>
    UnknownRequest,

    /// <summary>Not one label per row of the answered request.</summary>
    WrongLabelCount,

    /// <summary>A label is not a class index.</summary>
    LabelOutOfRange,

    /// <summary>Feedback for this request was scored before; labels count once.</summary>
    AlreadyScored,
}
