using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Router.Traffic;
using Microsoft.Extensions.Logging.Abstractions;
using static EnsembleGrpc.Router.Tests.Support.TestModels;

namespace EnsembleGrpc.Router.Tests.Traffic;

/// <summary>
/// The shadow's copy of a request through the traffic router: answered from the primary's member outputs when its
/// members are the primary's (no worker call), else called on its own lane; its outcomes counted by cause.
/// </summary>
public sealed class ShadowSharingTests : IDisposable
{
    private static readonly MemberModel A = Member("a");
    private static readonly MemberModel B = Member("b");
    private static readonly MemberModel C = Member("c");
    private static readonly MemberModel D = Member("d");

    private readonly ScriptedMemberInvoker _invoker = new();
    private readonly TrafficStatistics _statistics = new();
    private readonly ShadowDispatcher _dispatcher;
    private readonly TrafficRouter _router;

    public ShadowSharingTests()
    {
        var executor = new EnsembleExecutor(new FanOutExecutor(_invoker, TimeProvider.System), AggregationStrategies.CreateDefault());
        _dispatcher = new ShadowDispatcher(executor, _statistics, TimeProvider.System, NullLogger<ShadowDispatcher>.Instance);
        _router = new TrafficRouter(executor, _dispatcher, _statistics, new RequestLedger(), new Random(3), TimeProvider.System, NullLogger<TrafficRouter>.Instance);
    }

    public void Dispose() => _dispatcher.Dispose();

    [Fact]
    public async Task A_shadow_arm_of_the_primarys_members_is_answered_from_the_primarys_outcomes_without_any_call()
    {
        // The primary (bagging over a and b) answers class 1; the shadow, b alone, would answer class 2.
        var ensemble = WithShadow([A, B], Arm("solo", "bagging", 0, [B]));
        _invoker.Script = (member, input, _) => ScriptedMemberInvoker.Answer(member, input, member.Name == "a" ? 1 : 2, member.Name == "a" ? 0.9f : 0.6f);

        var routed = await _router.RouteAsync(ensemble, ensemble.Arms[0], Rows(2), "r1", CancellationToken.None);
        await _dispatcher.StopAsync(CancellationToken.None);

        Assert.Equal([1, 1], routed.Result.Predictions!);
        Assert.Equal([("a", CallLane.Primary), ("b", CallLane.Primary)], _invoker.Calls.OrderBy(c => c.Member));
        var shadow = _statistics.Shadow("mnist");
        Assert.Equal(1, shadow.Completed);
        Assert.Equal(2, shadow.ComparedRows);
        Assert.Equal(0, shadow.AgreedRows);
        Assert.Equal(0, shadow.Errors);
    }

    [Fact]
    public async Task A_shadow_of_the_primarys_members_that_agrees_is_recorded_as_agreeing()
    {
        var ensemble = WithShadow([A, B], Arm("vote", "vote", 0, [B, A]));

        await _router.RouteAsync(ensemble, ensemble.Arms[0], Rows(3), "r1", CancellationToken.None);
        await _dispatcher.StopAsync(CancellationToken.None);

        Assert.Equal(2, _invoker.Count);
        var shadow = _statistics.Shadow("mnist");
        Assert.Equal(1, shadow.Completed);
        Assert.Equal(3, shadow.AgreedRows);
        Assert.Equal(1.0, shadow.Agreement);
    }

    [Fact]
    public async Task A_member_that_failed_for_the_primary_fails_for_the_shadow_too_without_a_second_call()
    {
        var ensemble = WithShadow([A, B], Arm("solo", "bagging", 0, [B]));
        _invoker.Script = (member, input, _) => member.Name == "b"
            ? ScriptedMemberInvoker.Fail(member, MemberFailureKind.Timeout, "no answer within 1000 ms")
            : ScriptedMemberInvoker.Answer(member, input, 1);

        var routed = await _router.RouteAsync(ensemble, ensemble.Arms[0], Rows(1), "r1", CancellationToken.None);
        await _dispatcher.StopAsync(CancellationToken.None);

        Assert.True(routed.Result.Fallback);
        Assert.Equal(2, _invoker.Count);
        var shadow = _statistics.Shadow("mnist");
        Assert.Equal(1, shadow.Errors);
        Assert.Equal(new Dictionary<MemberFailureKind, long> { [MemberFailureKind.Timeout] = 1 }, shadow.ErrorsByCause);
    }

    [Fact]
    public async Task A_shadow_arm_with_other_members_calls_them_on_the_shadow_lane()
    {
        var ensemble = WithShadow([A, B, C], Arm("candidate", "bagging", 0, [A, C]), primaryMembers: [A, B]);

        await _router.RouteAsync(ensemble, ensemble.Arms[0], Rows(1), "r1", CancellationToken.None);
        await _dispatcher.StopAsync(CancellationToken.None);

        // The shadow calls all its members on its lane, a too: it is not given a part of the primary's outcomes.
        Assert.Equal(
            [("a", CallLane.Primary), ("a", CallLane.Shadow), ("b", CallLane.Primary), ("c", CallLane.Shadow)],
            _invoker.Calls.OrderBy(c => c.Member).ThenBy(c => c.Lane));
        var shadow = _statistics.Shadow("mnist");
        Assert.Equal(1, shadow.Completed);
        Assert.Equal(1, shadow.AgreedRows);
    }

    [Fact]
    public async Task Shadow_failures_are_counted_by_cause_and_sheds_as_shed_and_dropped()
    {
        var ensemble = WithShadow([A, C, D], Arm("candidate", "bagging", 0, [C, D]), primaryMembers: [A]);
        _invoker.Script = (member, input, lane) => (member.Name, lane) switch
        {
            ("c", CallLane.Shadow) => ScriptedMemberInvoker.Fail(member, MemberFailureKind.Timeout, "no answer within 1000 ms"),
            ("d", CallLane.Shadow) => ScriptedMemberInvoker.Fail(member, MemberFailureKind.WorkerError, "Internal: boom"),
            _ => ScriptedMemberInvoker.Answer(member, input, 1),
        };
        await _router.RouteAsync(ensemble, ensemble.Arms[0], Rows(1), "r1", CancellationToken.None);
        await _router.RouteAsync(ensemble, ensemble.Arms[0], Rows(1), "r2", CancellationToken.None);
        await _dispatcher.StopAsync(CancellationToken.None);
        var shadow = _statistics.Shadow("mnist");
        Assert.Equal(2, shadow.Errors);
        Assert.Equal(
            new Dictionary<MemberFailureKind, long> { [MemberFailureKind.Timeout] = 2, [MemberFailureKind.WorkerError] = 2 },
            shadow.ErrorsByCause);
        Assert.Equal(0, shadow.Shed);
        Assert.Equal(0, shadow.Dropped);
        Assert.Equal(0, shadow.Completed);
    }

    [Fact]
    public async Task A_shadow_copy_shed_at_its_members_counts_as_shed_and_dropped_not_as_an_error()
    {
        var ensemble = WithShadow([A, C], Arm("candidate", "bagging", 0, [C]), primaryMembers: [A]);
        _invoker.Script = (member, input, lane) => lane == CallLane.Shadow
            ? MemberOutcome.Failed(member.Name, null, MemberFailureKind.Shed, "shed: the primary path is busy or the shadow's queue is full", TimeSpan.Zero)
            : ScriptedMemberInvoker.Answer(member, input, 1);

        await _router.RouteAsync(ensemble, ensemble.Arms[0], Rows(1), "r1", CancellationToken.None);
        await _dispatcher.StopAsync(CancellationToken.None);

        var shadow = _statistics.Shadow("mnist");
        Assert.Equal(1, shadow.Enqueued);
        Assert.Equal(1, shadow.Shed);
        Assert.Equal(1, shadow.Dropped);
        Assert.Equal(0, shadow.Errors);
        Assert.Empty(shadow.ErrorsByCause);
        Assert.Equal(0, shadow.Completed);
    }

    [Fact]
    public async Task A_shadow_copy_rejected_by_its_members_is_counted_as_rejected_by_cause_not_as_an_error()
    {
        var ensemble = WithShadow([A, C], Arm("candidate", "bagging", 0, [C]), primaryMembers: [A]);
        _invoker.Script = (member, input, lane) => lane == CallLane.Shadow
            ? ScriptedMemberInvoker.Fail(member, MemberFailureKind.RejectedNotFound, "NotFound: model 'c' is not served")
            : ScriptedMemberInvoker.Answer(member, input, 1);

        await _router.RouteAsync(ensemble, ensemble.Arms[0], Rows(1), "r1", CancellationToken.None);
        await _dispatcher.StopAsync(CancellationToken.None);

        var shadow = _statistics.Shadow("mnist");
        Assert.Equal(1, shadow.Rejected);
        Assert.Equal(new Dictionary<MemberFailureKind, long> { [MemberFailureKind.RejectedNotFound] = 1 }, shadow.RejectedByCause);
        Assert.Equal(0, shadow.Errors);
    }

    [Fact]
    public async Task A_primary_request_without_an_answer_gives_the_shadow_nothing()
    {
        var ensemble = WithShadow([A, C], Arm("candidate", "bagging", 0, [C]), primaryMembers: [A]);
        _invoker.Script = (member, _, _) => ScriptedMemberInvoker.Fail(member, MemberFailureKind.WorkerError, "Internal: boom");

        await _router.RouteAsync(ensemble, ensemble.Arms[0], Rows(1), "r1", CancellationToken.None);
        await _dispatcher.StopAsync(CancellationToken.None);

        Assert.Equal([("a", CallLane.Primary)], _invoker.Calls);
        Assert.Equal(0, _statistics.Shadow("mnist").Enqueued);
    }

    [Fact]
    public async Task A_request_served_by_the_shadow_arm_itself_is_not_copied_to_it()
    {
        var ensemble = WithShadow([A, C], Arm("candidate", "bagging", 0, [C]), primaryMembers: [A]);

        var routed = await _router.RouteAsync(ensemble, ensemble.Arms[1], Rows(1), "r1", CancellationToken.None);
        await _dispatcher.StopAsync(CancellationToken.None);

        Assert.Equal("candidate", routed.Arm.Name);
        Assert.Equal([("c", CallLane.Primary)], _invoker.Calls);
        Assert.Equal(0, _statistics.Shadow("mnist").Enqueued);
    }

    [Fact]
    public void Shared_outcomes_are_the_primarys_in_the_shadow_arms_member_order_or_none_when_one_is_missing()
    {
        var outcomes = new[]
        {
            MemberOutcome.Success("a", "http://a", Row(1, 0.9f), TimeSpan.Zero),
            MemberOutcome.Failed("b", "http://b", MemberFailureKind.Timeout, "no answer", TimeSpan.Zero),
            MemberOutcome.Success("c", "http://c", Row(3, 0.9f), TimeSpan.Zero),
        };
        var primary = new EnsembleResult { Kind = EnsembleResultKind.Answered, Outcomes = outcomes };

        var shared = TrafficRouter.SharedOutcomes(Arm("s", "bagging", 0, [C, B, A]), primary);
        var missing = TrafficRouter.SharedOutcomes(Arm("s", "bagging", 0, [A, D]), primary);

        Assert.Equal([outcomes[2], outcomes[1], outcomes[0]], shared!);
        Assert.Null(missing);
    }

    /// <summary>Ensemble "mnist": arm "primary" (bagging, weight 1) over <paramref name="primaryMembers"/> (default all), and <paramref name="shadowArm"/> as its shadow for every request.</summary>
    private static EnsembleModel WithShadow(MemberModel[] members, ArmModel shadowArm, MemberModel[]? primaryMembers = null)
    {
        var primary = Arm("primary", "bagging", 1, primaryMembers ?? members);
        return EnsembleOf(members, [primary, shadowArm]) with
        {
            Shadow = new ShadowModel { Arm = shadowArm, SamplePercent = 100, QueueCapacity = 8, Concurrency = 1 },
        };
    }

    private static ModelInput Rows(int n) => new(new float[n * ModelInput.PixelsPerImage], n);
}
