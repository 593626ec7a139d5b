using System.Diagnostics.Metrics;
using EnsembleGrpc.Router.Observability;
using EnsembleGrpc.Router.Resilience;
using EnsembleGrpc.Router.Tests.Rollouts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace EnsembleGrpc.Router.Tests.Observability;

/// <summary>A rollout's share, step, status and decisions as the router's meter reports them at scrape time.</summary>
public sealed class RolloutMetricsTests : IDisposable
{
    private readonly RolloutHarness _h = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeasurementRecorder _recorder;

    public RolloutMetricsTests()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        _recorder = new MeasurementRecorder(meter => meter.Name == RouterMetrics.MeterName && ReferenceEquals(meter.Scope, factory));
        var endpoints = new EndpointRegistry(_h.Time, NullLogger<EndpointRegistry>.Instance);
        _ = new RouterMetrics(factory, new RouterObservableInstruments(_h.Splits.State, _h.Statistics, endpoints, _h.Time), _h.Time, new RolloutInstruments(_h.Controller));
    }

    [Fact]
    public void No_rollout_no_series_then_the_step_share_status_and_decisions_of_the_running_one()
    {
        _recorder.Scrape();
        Assert.Empty(_recorder.Of("ensemblegrpc.router.rollout.candidate_share_ratio"));

        Assert.True(_h.Controller.Start("mnist", RolloutHarness.Canary(minSamples: 100), "test").Succeeded);
        Assert.Single(_h.Minute());
        _recorder.Scrape();

        var share = Assert.Single(_recorder.Of("ensemblegrpc.router.rollout.candidate_share_ratio"));
        Assert.Equal(0.10, share.Value, 6);
        Assert.Equal(("mnist", "control", "candidate"), (share.Tags["model"], share.Tags["baseline"], share.Tags["candidate"]));
        Assert.Equal(1, Assert.Single(_recorder.Of("ensemblegrpc.router.rollout.step")).Value);
        var statuses = _recorder.Of("ensemblegrpc.router.rollout.status");
        Assert.Equal("running", Assert.Single(statuses, s => s.Value == 1).Tags["status"]);
        Assert.Contains(statuses, s => s.Tags["status"] == "rolled_back" && s.Value == 0);
        var decisions = _recorder.Of("ensemblegrpc.router.rollout.decisions").ToDictionary(d => d.Tags["kind"], d => d.Value);
        Assert.Equal(new Dictionary<string, double> { ["started"] = 1, ["advanced"] = 1 }, decisions);
    }

    public void Dispose()
    {
        _recorder.Dispose();
        _services.Dispose();
        _h.Dispose();
    }
}
