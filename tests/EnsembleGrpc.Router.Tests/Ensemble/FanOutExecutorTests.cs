using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;
using EnsembleGrpc.Router.Tests.Support;
using static EnsembleGrpc.Router.Tests.Support.TestModels;

namespace EnsembleGrpc.Router.Tests.Ensemble;

/// <summary>
/// The fan-out waiting for every member: an invoker that breaks its promise not to throw (at once or later) costs
/// that member's outcome only, never the others'; the caller's cancellation reads as Cancelled, not as a fault.
/// </summary>
public sealed class FanOutExecutorTests
{
    private static readonly MemberModel A = Member("a"), B = Member("b"), C = Member("c");

    [Fact]
    public async Task A_member_call_that_throws_at_once_or_later_is_a_worker_error_and_the_others_keep_their_answers()
    {
        var later = new TaskCompletionSource<MemberOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var invoker = new Invoker((member, _) => member.Name switch
        {
            "a" => throw new InvalidOperationException("at once"),
            "b" => later.Task,
            _ => Task.FromResult(ScriptedMemberInvoker.Answer(member, BatchRows.Input(1), top: 3)),
        });
        var fanOut = new FanOutExecutor(invoker, TimeProvider.System);

        var outcomes = fanOut.ExecuteAsync([A, B, C], EnsembleOf([A, B, C], []), BatchRows.Input(1), CallLane.Primary, CancellationToken.None);
        Assert.False(outcomes.IsCompleted);
        later.SetException(new ArgumentException("later"));
        var result = await outcomes;

        Assert.Equal(["a", "b", "c"], result.Select(o => o.Member));
        Assert.Equal((MemberFailureKind.WorkerError, "internal error (InvalidOperationException)"), (result[0].Failure, result[0].Error));
        Assert.Equal((MemberFailureKind.WorkerError, "internal error (ArgumentException)"), (result[1].Failure, result[1].Error));
        Assert.True(result[2].Succeeded);
    }

    [Fact]
    public async Task A_cancellation_thrown_after_the_caller_left_is_cancelled_not_a_fault()
    {
        using var caller = new CancellationTokenSource();
        var invoker = new Invoker((_, token) => Task.FromException<MemberOutcome>(new OperationCanceledException(token)));
        await caller.CancelAsync();

        var result = await new FanOutExecutor(invoker, TimeProvider.System)
            .ExecuteAsync([A], EnsembleOf([A], []), BatchRows.Input(1), CallLane.Primary, caller.Token);

        Assert.Equal(MemberFailureKind.Cancelled, result.Single().Failure);
    }

    private sealed class Invoker(Func<MemberModel, CancellationToken, Task<MemberOutcome>> call) : IMemberInvoker
    {
        public Task<MemberOutcome> InvokeAsync(MemberModel member, EnsembleModel ensemble, ModelInput input, CallLane lane, CancellationToken cancellationToken) =>
            call(member, cancellationToken);
    }
}
