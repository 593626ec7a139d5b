using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;

namespace EnsembleGrpc.Router.Ensemble.Batching;

/// <summary>One request's member call waiting in a <see cref="MemberBatchQueue"/>: completed once, by its batch or by its caller's cancellation.</summary>
internal sealed class PendingCall(MemberModel member, EnsembleModel ensemble, ModelInput input, CancellationToken cancellationToken)
{
    private readonly TaskCompletionSource<MemberOutcome> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public MemberModel Member { get; } = member;

    public EnsembleModel Ensemble { get; } = ensemble;

    public ModelInput Input { get; } = input;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public long Enqueued { get; init; }

    public Task<MemberOutcome> Task => _completion.Task;

    /// <summary>Already answered (its caller left): a batch leaves it out.</summary>
    public bool IsCompleted => _completion.Task.IsCompleted;

    public bool TryComplete(MemberOutcome outcome) => _completion.TrySetResult(outcome);
}
