using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Tests.Shared;
using static EnsembleGrpc.Router.Tests.Support.TestModels;

namespace EnsembleGrpc.Router.Tests.Ensemble;

public sealed class PartialAnswerTests
{
    private static readonly ModelInput Input = new(new float[784], 1);

    private readonly ManualTimeProvider _time = new();
    private readonly ControlledInvoker _invoker = new();
    private readonly MemberModel[] _members = [Member("m1"), Member("m2"), Member("m3")];

    [Fact]
    public async Task Once_the_quorum_answered_a_member_later_than_the_margin_is_left_out_and_the_answer_is_flagged()
    {
        var (executor, ensemble, arm) = Create(quorum: 2, partialAfterMs: 20);
        var run = executor.ExecuteAsync(ensemble, arm, Input, CallLane.Primary, CancellationToken.None);
        _invoker.Answer("m1", Row(1, 0.9f));
        _invoker.Answer("m3", Row(1, 0.8f));
        await _time.WaitForTimersAsync();

        _time.Advance(TimeSpan.FromMilliseconds(19));
        Assert.False(run.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var result = await run;

        Assert.Equal(EnsembleResultKind.Answered, result.Kind);
        Assert.True(result.Fallback);
        Assert.Equal("m2: member_late", result.FallbackReason);
        Assert.Equal(MemberFailureKind.Late, result.Outcomes[1].Failure);
        Assert.Equal(1, result.Predictions![0]);
        // The late call itself goes on (a micro-batch may carry other requests); its answer is dropped for this one.
        Assert.False(_invoker.Call("m2").IsCompleted);
        _invoker.Answer("m2", Row(2, 1f));
    }

    [Fact]
    public async Task A_member_that_answers_within_the_margin_is_waited_for()
    {
        var (executor, ensemble, arm) = Create(quorum: 2, partialAfterMs: 20);
        var run = executor.ExecuteAsync(ensemble, arm, Input, CallLane.Primary, CancellationToken.None);
        _invoker.Answer("m1", Row(1, 0.9f));
        _invoker.Answer("m2", Row(1, 0.8f));
        await _time.WaitForTimersAsync();

        _time.Advance(TimeSpan.FromMilliseconds(19));
        _invoker.Answer("m3", Row(1, 0.7f));
        var result = await run;

        Assert.False(result.Fallback);
        Assert.Equal(3, result.MembersAnswered);
        Assert.Equal(0, _time.ActiveTimers);
    }

    [Fact]
    public async Task Before_the_quorum_answered_nobody_is_late_whatever_the_time()
    {
        var (executor, ensemble, arm) = Create(quorum: 2, partialAfterMs: 20);
        var run = executor.ExecuteAsync(ensemble, arm, Input, CallLane.Primary, CancellationToken.None);
        _invoker.Answer("m1", Row(1, 0.9f));
        _invoker.Fail("m2", MemberFailureKind.WorkerError);

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(run.IsCompleted);
        Assert.Equal(0, _time.ActiveTimers);
        _invoker.Answer("m3", Row(1, 0.7f));
        var result = await run;

        Assert.Equal("m2: member_error", result.FallbackReason);
    }

    [Fact]
    public async Task Without_partial_after_ms_the_ensemble_waits_for_every_member()
    {
        var (executor, ensemble, arm) = Create(quorum: 1, partialAfterMs: null);
        var run = executor.ExecuteAsync(ensemble, arm, Input, CallLane.Primary, CancellationToken.None);
        _invoker.Answer("m1", Row(1, 0.9f));
        _invoker.Answer("m2", Row(1, 0.9f));

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(run.IsCompleted);
        _invoker.Answer("m3", Row(1, 0.9f));

        Assert.False((await run).Fallback);
    }

    private (EnsembleExecutor, EnsembleModel, ArmModel) Create(int quorum, int? partialAfterMs)
    {
        var arm = Arm("bagging", "bagging", 1, _members);
        var ensemble = EnsembleOf(_members, [arm], quorum) with { PartialAfter = partialAfterMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null };
        return (new EnsembleExecutor(new FanOutExecutor(_invoker, _time), AggregationStrategies.CreateDefault()), ensemble, arm);
    }

    /// <summary>Each member's call completes when the test says so.</summary>
    private sealed class ControlledInvoker : IMemberInvoker
    {
        private readonly Dictionary<string, TaskCompletionSource<MemberOutcome>> _calls = [];

        public Task<MemberOutcome> InvokeAsync(MemberModel member, EnsembleModel ensemble, ModelInput input, CallLane lane, CancellationToken cancellationToken)
        {
            var call = new TaskCompletionSource<MemberOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_calls)
            {
                _calls[member.Name] = call;
            }

            return call.Task;
        }

        public Task<MemberOutcome> Call(string member)
        {
            lock (_calls)
            {
                return _calls[member].Task;
            }
        }

        public void Answer(string member, float[] probabilities) =>
            Source(member).SetResult(MemberOutcome.Success(member, null, probabilities, TimeSpan.FromMilliseconds(1)));

        public void Fail(string member, MemberFailureKind kind) =>
            Source(member).SetResult(MemberOutcome.Failed(member, null, kind, "failed", TimeSpan.FromMilliseconds(1)));

        private TaskCompletionSource<MemberOutcome> Source(string member)
        {
            lock (_calls)
            {
                return _calls[member];
            }
        }
    }
}
