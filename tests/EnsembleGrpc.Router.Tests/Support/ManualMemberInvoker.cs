using System.Threading.Channels;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;

namespace EnsembleGrpc.Router.Tests.Support;

/// <summary>
/// A member invoker whose calls the test completes by hand, one <see cref="ManualCall"/> per call, in the order they
/// were made; it records what each call carried (member, input, lane, token).
/// </summary>
internal sealed class ManualMemberInvoker : IMemberInvoker
{
    private readonly Channel<ManualCall> _calls = Channel.CreateUnbounded<ManualCall>();
    private int _count;

    /// <summary>Calls made so far.</summary>
    public int Count => Volatile.Read(ref _count);

    public Task<MemberOutcome> InvokeAsync(MemberModel member, EnsembleModel ensemble, ModelInput input, CallLane lane, CancellationToken cancellationToken)
    {
        var call = new ManualCall(member, ensemble, input, lane, cancellationToken);
        Interlocked.Increment(ref _count);
        _calls.Writer.TryWrite(call);
        return call.Task;
    }

    /// <summary>The next call not yet taken; made now or later (a batch leaves on another thread when a call returns).</summary>
    public Task<ManualCall> NextAsync() =>
        // The limit only keeps a broken test from hanging the run; no assertion depends on time.
        _calls.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>A call already made and not yet taken, if any.</summary>
    public bool TryTake(out ManualCall call) => _calls.Reader.TryRead(out call!);
}

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
