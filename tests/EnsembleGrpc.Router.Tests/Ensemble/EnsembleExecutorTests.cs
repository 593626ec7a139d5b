using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Ensemble.Strategies.Stacking;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Tests.Support;
using static EnsembleGrpc.Router.Tests.Support.TestModels;

namespace EnsembleGrpc.Router.Tests.Ensemble;

public sealed class EnsembleExecutorTests
{
    private static readonly EnsembleExecutor Executor = new(new FanOutExecutor(new NeverCalledInvoker(), TimeProvider.System), AggregationStrategies.CreateDefault());

    [Fact]
    public void All_members_valid_uses_the_arm_strategy()
    {
        var members = new[] { Member("a"), Member("b"), Member("c") };
        var arm = Arm("vote", "vote", 1, members);

        var result = Executor.Aggregate(EnsembleOf(members, [arm]), arm, 1, [Ok("a", Row(1, 0.9f)), Ok("b", Row(2, 0.6f)), Ok("c", Row(2, 0.6f))], callerCancelled: false);

        Assert.Equal(EnsembleResultKind.Answered, result.Kind);
        Assert.Equal("vote", result.Strategy);
        Assert.False(result.Fallback);
        Assert.Equal(3, result.MembersAnswered);
        Assert.Equal([2], result.Predictions!);
    }

    [Fact]
    public void Invalid_member_output_falls_back_to_bagging_over_the_valid_ones()
    {
        var members = new[] { Member("a"), Member("b"), Member("c") };
        var arm = Arm("vote", "vote", 1, members);
        var bad = Row(2, 0.6f);
        bad[0] = float.PositiveInfinity;

        var result = Executor.Aggregate(EnsembleOf(members, [arm]), arm, 1, [Ok("a", Row(1, 0.9f)), Ok("b", bad), Ok("c", Row(2, 0.6f))], callerCancelled: false);

        Assert.Equal(EnsembleResultKind.Answered, result.Kind);
        Assert.Equal("bagging", result.Strategy);
        Assert.True(result.Fallback);
        Assert.Equal(2, result.MembersAnswered);
        Assert.Equal(["invalid_output"], result.FallbackCategories);
        Assert.Equal("b: invalid_output", result.FallbackReason);
        Assert.Contains("b: invalid_output (", result.Detail, StringComparison.Ordinal);
        Assert.Equal(MemberFailureKind.InvalidOutput, result.Outcomes[1].Failure);
        // Bagging over a and c: (0.9 + 0.1/9)/2 for class 1 vs (0.1/9 + 0.6)/2 for class 2.
        Assert.Equal([1], result.Predictions!);
    }

    [Fact]
    public void Failed_meta_model_falls_back_with_the_strategy_reason()
    {
        var members = new[] { Member("a"), Member("b") };
        var arm = Arm("stack", "stacking", 1, members) with
        {
            Parameters = new StackingParameters { Name = "meta", MemberOrder = ["a", "b"], MetaModel = new FakeMetaModel((_, _, _) => throw new InvalidOperationException("ort says no")) },
        };

        var result = Executor.Aggregate(EnsembleOf(members, [arm]), arm, 1, [Ok("a", Row(1, 0.9f)), Ok("b", Row(1, 0.6f))], callerCancelled: false);

        Assert.True(result.Fallback);
        Assert.Equal("bagging", result.Strategy);
        Assert.Equal([EnsembleExecutor.StrategyFailedCategory], result.FallbackCategories);
        Assert.Equal("strategy_failed", result.FallbackReason);
        Assert.Equal("stacking could not complete: meta-model 'meta' failed: ort says no", result.Detail);
    }

    [Fact]
    public void Below_quorum_is_unavailable_naming_every_member()
    {
        var members = new[] { Member("a"), Member("b"), Member("c") };
        var arm = Arm("bag", "bagging", 1, members);

        var result = Executor.Aggregate(EnsembleOf(members, [arm], quorum: 2), arm, 1,
            [Ok("a", Row(1, 0.9f)), Fail("b", MemberFailureKind.Timeout, "no answer within 100 ms"), Fail("c", MemberFailureKind.BreakerOpen, "circuit breaker is open")],
            callerCancelled: false);

        Assert.Equal(EnsembleResultKind.Unavailable, result.Kind);
        Assert.Contains("1 of 3 members answered, quorum is 2", result.Message, StringComparison.Ordinal);
        // The client's message names each failed member with a code; the log's detail has every member and the words.
        Assert.EndsWith("(b: member_timeout, c: breaker_open)", result.Message, StringComparison.Ordinal);
        Assert.Contains("a: ok", result.Detail, StringComparison.Ordinal);
        Assert.Contains("b: timeout (no answer within 100 ms)", result.Detail, StringComparison.Ordinal);
        Assert.Contains("c: breaker_open (circuit breaker is open)", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_member_that_blames_the_request_rejects_it_with_no_fallback_over_the_others()
    {
        var members = new[] { Member("a"), Member("b"), Member("c") };
        var arm = Arm("bag", "bagging", 1, members);

        var result = Executor.Aggregate(EnsembleOf(members, [arm]), arm, 1,
            [Ok("a", Row(1, 0.9f)), Fail("b", MemberFailureKind.RejectedInvalid, "InvalidArgument: batch size 100 exceeds 64"), Ok("c", Row(1, 0.8f))],
            callerCancelled: false);

        Assert.Equal(EnsembleResultKind.Rejected, result.Kind);
        Assert.Null(result.Predictions);
        Assert.Equal("ensemble 'mnist': member 'b' rejected the request: InvalidArgument: batch size 100 exceeds 64", result.Message);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, StatusOf(result).StatusCode);
    }

    [Fact]
    public void Busy_members_are_no_answer_a_quorum_can_still_fall_back_without_them_and_none_answering_is_resource_exhausted()
    {
        var members = new[] { Member("a"), Member("b") };
        var arm = Arm("bag", "bagging", 1, members);
        var ensemble = EnsembleOf(members, [arm]);

        var oneBusy = Executor.Aggregate(ensemble, arm, 1, [Ok("a", Row(1, 0.9f)), Fail("b", MemberFailureKind.Overloaded, "ResourceExhausted: queue full")], callerCancelled: false);
        var allBusy = Executor.Aggregate(ensemble, arm, 1,
            [Fail("a", MemberFailureKind.Overloaded, "ResourceExhausted: queue full"), Fail("b", MemberFailureKind.Overloaded, "ResourceExhausted: queue full")], callerCancelled: false);
        var mixed = Executor.Aggregate(ensemble, arm, 1,
            [Fail("a", MemberFailureKind.Overloaded, "ResourceExhausted: queue full"), Fail("b", MemberFailureKind.Timeout, "no answer within 100 ms")], callerCancelled: false);

        Assert.Equal((EnsembleResultKind.Answered, true), (oneBusy.Kind, oneBusy.Fallback));
        Assert.Equal(["overloaded"], oneBusy.FallbackCategories);
        Assert.Equal(EnsembleResultKind.Unavailable, allBusy.Kind);
        Assert.Equal(Grpc.Core.StatusCode.ResourceExhausted, StatusOf(allBusy).StatusCode);
        Assert.Equal(Grpc.Core.StatusCode.Unavailable, StatusOf(mixed).StatusCode);
    }

    [Theory]
    [InlineData(MemberFailureKind.RejectedInvalid, Grpc.Core.StatusCode.InvalidArgument)]
    [InlineData(MemberFailureKind.RejectedNotFound, Grpc.Core.StatusCode.NotFound)]
    [InlineData(MemberFailureKind.RejectedOutOfRange, Grpc.Core.StatusCode.OutOfRange)]
    [InlineData(MemberFailureKind.RejectedPrecondition, Grpc.Core.StatusCode.FailedPrecondition)]
    public void A_rejection_reaches_the_client_with_the_workers_status(MemberFailureKind kind, Grpc.Core.StatusCode code)
    {
        var members = new[] { Member("a") };
        var arm = Arm("bag", "bagging", 1, members);

        var result = Executor.Aggregate(EnsembleOf(members, [arm]), arm, 1, [Fail("a", kind, "no")], callerCancelled: false);

        Assert.True(kind.IsCallerBlamed());
        Assert.Equal((EnsembleResultKind.Rejected, code), (result.Kind, StatusOf(result).StatusCode));
    }

    [Fact]
    public void Caller_cancellation_is_its_own_kind()
    {
        var members = new[] { Member("a") };
        var arm = Arm("bag", "bagging", 1, members);

        var result = Executor.Aggregate(EnsembleOf(members, [arm]), arm, 1, [Fail("a", MemberFailureKind.Cancelled, "gone")], callerCancelled: true);

        Assert.Equal(EnsembleResultKind.Cancelled, result.Kind);
    }

    private static MemberOutcome Ok(string member, float[] probabilities) => MemberOutcome.Success(member, "http://x", probabilities, TimeSpan.Zero);

    private static MemberOutcome Fail(string member, MemberFailureKind kind, string error) => MemberOutcome.Failed(member, "http://x", kind, error, TimeSpan.Zero);

    /// <summary>The status a client gets for a result: the engine's error, mapped by the front end.</summary>
    private static Grpc.Core.Status StatusOf(EnsembleResult result) =>
        EnsembleGrpc.Router.Frontend.ResultStatus.Of(
            new EnsembleGrpc.Router.Engine.InferenceOutcome { Error = EnsembleGrpc.Router.Engine.RouterEngine.ErrorOf(result, out var rejectedAs), RejectedAs = rejectedAs, Message = result.Message },
            deadlinePassed: false);

    private sealed class NeverCalledInvoker : IMemberInvoker
    {
        public Task<MemberOutcome> InvokeAsync(EnsembleGrpc.Router.Model.MemberModel member, EnsembleGrpc.Router.Model.EnsembleModel ensemble, EnsembleGrpc.Router.Preprocessing.ModelInput input, CallLane lane, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("not used by these tests");
    }
}
