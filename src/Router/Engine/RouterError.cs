namespace EnsembleGrpc.Router.Engine;

/// <summary>Why the engine gave no answer; the front ends map each to their protocol's status in one place.</summary>
public enum RouterError
{
    None,

    /// <summary>No ensemble of that name is served.</summary>
    ModelNotFound,

    /// <summary>The ensemble exists, but not in the version asked for.</summary>
    VersionNotFound,

    /// <summary>The request is malformed: its tensor, its values, its batch size, or the strategy it names.</summary>
    InvalidInput,

    /// <summary>A member rejected the request as the request's fault (<see cref="InferenceOutcome.RejectedAs"/> says how).</summary>
    Rejected,

    /// <summary>Every member that did not answer was busy: retry later.</summary>
    Overloaded,

    /// <summary>The router itself is at its admission limit (Admission/): refused at once, before any work; retry later.</summary>
    Shed,

    /// <summary>Fewer members than the quorum answered.</summary>
    Unavailable,

    /// <summary>The caller cancelled, or its deadline passed, before the ensemble answered.</summary>
    Cancelled,
}
