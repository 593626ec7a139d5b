using System.Diagnostics.Metrics;
using EnsembleGrpc.Router.Engine;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Observability;
using EnsembleGrpc.Router.Resilience;
using EnsembleGrpc.Router.Tests.Traffic;
using EnsembleGrpc.Router.Traffic;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace EnsembleGrpc.Router.Tests.Observability;

/// <summary>
/// What the router's meter reports: one latency value per request with its outcome, the traffic share as the runtime
/// split sets it, and endpoint series that stay one per address and lane when ensembles use an address with different
/// settings.
/// </summary>
public sealed class RouterMetricsTests : IDisposable
{
    private static readonly BreakerModel Breaker = new()
    {
        FailureRatio = 0.5, MinimumThroughput = 10, SamplingDuration = TimeSpan.FromSeconds(30), BreakDuration = TimeSpan.FromSeconds(5),
    };

    private readonly SplitFixture _split = new(null, ("bagging", 3), ("vote", 1));
    private readonly TrafficStatistics _statistics = new();
    private readonly EndpointRegistry _endpoints = new(TimeProvider.System, NullLogger<EndpointRegistry>.Instance);
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeasurementRecorder _recorder;
    private readonly RouterMetrics _metrics;

    public RouterMetricsTests()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        _recorder = new MeasurementRecorder(meter => meter.Name == RouterMetrics.MeterName && ReferenceEquals(meter.Scope, factory));
        var observables = new RouterObservableInstruments(_split.State, _statistics, _endpoints, _split.Time);
        _metrics = new RouterMetrics(factory, observables, _split.Time);
    }

    [Fact]
    public void Each_request_adds_one_latency_value_labelled_with_its_arm_and_outcome()
    {
        var arm = _split.Ensemble.Arms[0];
        var answered = new EnsembleResult { Kind = EnsembleResultKind.Answered, Strategy = "bagging", Fallback = true, Outcomes = [] };

        _metrics.Answered(new InferenceOutcome { Ensemble = _split.Ensemble, Arm = arm, Result = answered }, arrival: 0, end: _split.Time.TimestampFrequency / 4);
        _metrics.Failed(new InferenceOutcome { Error = RouterError.Overloaded, Ensemble = _split.Ensemble, Arm = arm }, 0, 0);
        _metrics.Failed(InferenceOutcome.Failed(RouterError.InvalidInput, "bad", _split.Ensemble), 0, 0);
        _metrics.Failed(InferenceOutcome.Failed(RouterError.ModelNotFound, "no such model"), 0, 0);

        var values = _recorder.Of("ensemblegrpc.router.request.duration");
        Assert.Equal(3, values.Count);
        Assert.Equal(0.25, Assert.Single(values, v => v.Tags["outcome"] == "fallback").Value, 6);
        Assert.Equal("bagging", Assert.Single(values, v => v.Tags["outcome"] == "overloaded").Tags["arm"]);
        Assert.Equal("none", Assert.Single(values, v => v.Tags["outcome"] == "rejected").Tags["arm"]);
        var answer = Assert.Single(_recorder.Of("ensemblegrpc.router.answers"));
        Assert.Equal(("mnist", "bagging"), (answer.Tags["model"], answer.Tags["strategy"]));
    }

    [Fact]
    public void The_traffic_share_follows_the_runtime_split()
    {
        _recorder.Scrape();
        Assert.Equal(0.75, Share("bagging"));
        Assert.Equal(0.25, Share("vote"));

        Assert.True(_split.Set(("bagging", 1), ("vote", 1)).Succeeded);
        _recorder.Scrape();

        Assert.Equal(0.5, Share("bagging"));
        Assert.Equal(0.5, Share("vote"));
    }

    [Fact]
    public void An_address_used_with_two_settings_reports_one_series_per_lane_with_the_counts_added()
    {
        const string address = "http://127.0.0.1:8001";
        var fast = _endpoints.Get(address, new EndpointSettings(TimeSpan.FromSeconds(1), Breaker));
        var slow = _endpoints.Get(address, new EndpointSettings(TimeSpan.FromSeconds(5), Breaker));
        var shadow = _endpoints.Get(address, new EndpointSettings(TimeSpan.FromSeconds(1), Breaker, CallLane.Shadow));
        fast.RecordSuccess();
        slow.RecordSuccess();
        slow.RecordFailure(MemberFailureKind.Timeout.ToKey());
        shadow.RecordFailure(MemberFailureKind.Shed.ToKey());

        _recorder.Scrape();

        var calls = _recorder.Of("ensemblegrpc.router.endpoint.calls");
        Assert.Equal(2, Assert.Single(calls, c => c.Tags["lane"] == "primary" && c.Tags["outcome"] == "success").Value);
        Assert.Equal(1, Assert.Single(calls, c => c.Tags["lane"] == "primary" && c.Tags["outcome"] == "timeout").Value);
        Assert.Equal(1, Assert.Single(calls, c => c.Tags["lane"] == "shadow" && c.Tags["outcome"] == "shed").Value);
        var breakers = _recorder.Of("ensemblegrpc.router.endpoint.breaker_state");
        Assert.Equal(8, breakers.Count); // two lanes, four states each
        Assert.All(breakers, b => Assert.Equal(b.Tags["state"] == "closed" ? 1 : 0, b.Value));
    }

    public void Dispose()
    {
        _recorder.Dispose();
        _services.Dispose();
        _split.Dispose();
    }

    private double Share(string arm) =>
        Assert.Single(_recorder.Of("ensemblegrpc.router.arm.traffic_share_ratio"), m => m.Tags["arm"] == arm).Value;
}
