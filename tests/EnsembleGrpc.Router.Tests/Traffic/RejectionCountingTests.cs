using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;
using EnsembleGrpc.Router.Tests.Experiments;
using EnsembleGrpc.Router.Traffic;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;
using static EnsembleGrpc.Router.Tests.Support.TestModels;

namespace EnsembleGrpc.Router.Tests.Traffic;

/// <summary>A request the members reject as the caller's fault is a rejection: not an arm error, not a worker failure.</summary>
public sealed class RejectionCountingTests
{
    private static readonly ModelInput Input = new(new float[784], 1);

    [Fact]
    public async Task A_rejected_request_counts_as_a_rejection_of_the_arm_and_logs_no_unavailable_line()
    {
        var (router, statistics, logs, ensemble, arm) = Router(MemberFailureKind.RejectedInvalid);

        var routed = await router.RouteAsync(ensemble, arm, Input, "r1", CancellationToken.None);

        Assert.Equal(EnsembleResultKind.Rejected, routed.Result.Kind);
        var counters = statistics.Arm("mnist", "primary");
        Assert.Equal((1L, 1L, 0L), (counters.Requests, counters.Rejections, counters.Errors));
        Assert.Equal(0, statistics.MemberFailures("mnist", "a"));
        Assert.DoesNotContain(logs.Entries, e => e.EventName == "RequestUnavailable");
        Assert.Contains(logs.Entries, e => e.EventName == "RequestRejected" && e.Level == LogLevel.Debug);
    }

    [Fact]
    public async Task An_unavailable_request_is_still_an_arm_error_and_a_worker_failure()
    {
        var (router, statistics, logs, ensemble, arm) = Router(MemberFailureKind.Timeout);

        var routed = await router.RouteAsync(ensemble, arm, Input, "r1", CancellationToken.None);

        Assert.Equal(EnsembleResultKind.Unavailable, routed.Result.Kind);
        var counters = statistics.Arm("mnist", "primary");
        Assert.Equal((1L, 0L, 1L), (counters.Requests, counters.Rejections, counters.Errors));
        Assert.Equal(1, statistics.MemberFailures("mnist", "a"));
        Assert.Contains(logs.Entries, e => e.EventName == "RequestUnavailable");
    }

    [Fact]
    public async Task A_rejected_shadow_copy_is_counted_by_cause_and_not_as_an_error()
    {
        var statistics = new TrafficStatistics();
        var executor = new EnsembleExecutor(new FanOutExecutor(new FailingInvoker(MemberFailureKind.RejectedNotFound), TimeProvider.System), AggregationStrategies.CreateDefault());
        var dispatcher = new ShadowDispatcher(executor, statistics, TimeProvider.System, NullLogger<ShadowDispatcher>.Instance);
        var members = new[] { Member("a") };
        var shadowArm = Arm("shadow", "bagging", 0, members);
        var ensemble = EnsembleOf(members, [Arm("primary", "bagging", 1, members), shadowArm]);
        var shadow = new ShadowModel { Arm = shadowArm, SamplePercent = 100, QueueCapacity = 4, Concurrency = 1 };

        Assert.True(dispatcher.TryEnqueue(new ShadowWorkItem("r1", ensemble, shadowArm, Input, [1]), shadow));
        await dispatcher.StopAsync(CancellationToken.None);
        dispatcher.Dispose();

        var counters = statistics.Shadow("mnist");
        Assert.Equal(1, counters.Rejected);
        Assert.Equal(new Dictionary<MemberFailureKind, long> { [MemberFailureKind.RejectedNotFound] = 1 }, counters.RejectedByCause);
        Assert.Equal((0L, 0L), (counters.Errors, counters.Completed));
    }

    private static (TrafficRouter Router, TrafficStatistics Statistics, CapturingLoggerProvider Logs, EnsembleModel Ensemble, ArmModel Arm) Router(MemberFailureKind failure)
    {
        var statistics = new TrafficStatistics();
        var logs = new CapturingLoggerProvider();
        var executor = new EnsembleExecutor(new FanOutExecutor(new FailingInvoker(failure), TimeProvider.System), AggregationStrategies.CreateDefault());
        var shadow = new ShadowDispatcher(executor, statistics, TimeProvider.System, NullLogger<ShadowDispatcher>.Instance);
        var members = new[] { Member("a") };
        var arm = Arm("primary", "bagging", 1, members);
        var ensemble = EnsembleOf(members, [arm]);
        var logger = new Logger<TrafficRouter>(new LoggerFactory([logs]));
        return (new TrafficRouter(executor, shadow, statistics, new RequestLedger(), new Random(1), TimeProvider.System, logger), statistics, logs, ensemble, arm);
    }

    private sealed class FailingInvoker(MemberFailureKind failure) : IMemberInvoker
    {
        public Task<MemberOutcome> InvokeAsync(MemberModel member, EnsembleModel ensemble, ModelInput input, CallLane lane, CancellationToken cancellationToken) =>
            Task.FromResult(MemberOutcome.Failed(member.Name, "http://x", failure, "input 'x' has the wrong shape", TimeSpan.FromMilliseconds(1)));
    }
}
