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
}
