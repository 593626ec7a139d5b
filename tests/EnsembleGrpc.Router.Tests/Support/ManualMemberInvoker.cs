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
