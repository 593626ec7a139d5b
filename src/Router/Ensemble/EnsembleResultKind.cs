namespace EnsembleGrpc.Router.Ensemble;

public enum EnsembleResultKind
{
    /// <summary>An answer, by the chosen strategy or by the bagging fallback.</summary>
    Answered,

    /// <summary>Fewer members than the quorum answered.</summary>
    Unavailable,

    /// <summary>The caller cancelled or its deadline passed before an answer.</summary>
    Cancelled,

    /// <summary>A member blamed the request (its outcome says how); no fallback hides a bad request.</summary>
    Rejected,
}
