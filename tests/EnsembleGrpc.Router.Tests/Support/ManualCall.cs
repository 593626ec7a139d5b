using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;

namespace EnsembleGrpc.Router.Tests.Support;

/// <summary>One call to a <see cref="ManualMemberInvoker"/>, answered by the test.</summary>
internal sealed class ManualCall(MemberModel member, EnsembleModel ensemble, ModelInput input, CallLane lane, CancellationToken token)
{
    private readonly TaskCompletionSource<MemberOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public MemberModel Member { get; } = member;

    public EnsembleModel Ensemble { get; } = ensemble;

    public ModelInput Input { get; } = input;

    public CallLane Lane { get; } = lane;

    public CancellationToken Token { get; } = token;

    public Task<MemberOutcome> Task => _outcome.Task;

    public void Answer(float[] probabilities) =>
        _outcome.SetResult(MemberOutcome.Success(Member.Name, Member.Endpoints[0], probabilities, TimeSpan.FromMilliseconds(1)));

    /// <summary>Answers every row with its own marker (<see cref="BatchRows.Echo"/>), so that a test sees whose rows came back.</summary>
    public void Echo() => Answer(BatchRows.Echo(Input));

    public void Fail(MemberFailureKind kind, string error = "failed") =>
        _outcome.SetResult(MemberOutcome.Failed(Member.Name, Member.Endpoints[0], kind, error, TimeSpan.FromMilliseconds(1)));
}
