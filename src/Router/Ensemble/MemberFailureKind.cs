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
}
