namespace EnsembleGrpc.Router.Ensemble;

/// <summary>Why a member gave no usable answer; <see cref="None"/> when it did.</summary>
public enum MemberFailureKind
{
    None,
    Timeout,
    BreakerOpen,
    WorkerError,
    InvalidOutput,

    /// <summary>The caller cancelled or its deadline passed: never held against the worker.</summary>
    Cancelled,

    /// <summary>The worker found the request invalid (INVALID_ARGUMENT): the request's fault, not the worker's.</summary>
    RejectedInvalid,

    /// <summary>The worker does not serve the model or version asked for (NOT_FOUND).</summary>
    RejectedNotFound,

    /// <summary>A value of the request is out of the range the worker accepts (OUT_OF_RANGE).</summary>
    RejectedOutOfRange,

    /// <summary>The worker is not in a state to run the request, e.g. the model is not loaded yet (FAILED_PRECONDITION).</summary>
    RejectedPrecondition,

    /// <summary>The worker's queue is full (RESOURCE_EXHAUSTED): it is busy, not broken.</summary>
    Overloaded,

    /// <summary>A shadow copy not sent because the primary path was busy or the shadow's queue full: never the worker's fault.</summary>
    Shed,

    /// <summary>The member's only endpoint is ejected as an outlier (too slow or failing in a row): not called until its probe.</summary>
    Ejected,

    /// <summary>
    /// The quorum had answered and this member was later than the ensemble's <c>partial_after_ms</c>: the answer went
    /// without it. Its call goes on in the background and its result is dropped for this request.
    /// </summary>
    Late,
}
