using System.Text.Json;
using EnsembleGrpc.Router.Frontend.Page;
using EnsembleGrpc.Router.Frontend.Page.Contracts;
using EnsembleGrpc.Router.Resilience;
using EnsembleGrpc.Router.Tests.Rollouts;
using Microsoft.Extensions.Logging.Abstractions;

namespace EnsembleGrpc.Router.Tests.Page;

/// <summary>
/// The dashboard's snapshot carries a running rollout: its share and step, the last decision with its reason, and the
/// guardrails of the latest look, as JSON the page can read (figures not computed yet are null, never NaN).
/// </summary>
public sealed class PageRolloutStatisticsTests : IDisposable
{
    private readonly RolloutHarness _h = new();
    private readonly EndpointRegistry _endpoints = new(TimeProvider.System, NullLogger<EndpointRegistry>.Instance);

    [Fact]
    public void A_rollout_that_advanced_shows_its_step_share_last_decision_and_guardrails()
    {
        Assert.True(_h.Controller.Start("mnist", RolloutHarness.Canary(minSamples: 100), "test").Succeeded);
        var before = Snapshot();
        Assert.Equal(5, before.CandidatePercent);
        Assert.Equal(0, before.StepIndex);
        Assert.Equal("started", before.LastDecision!.Kind);

        var decisions = _h.Minute();

        var advanced = Assert.Single(decisions);
        var rollout = Snapshot();
        Assert.Equal(("control", "candidate", "running"), (rollout.Baseline, rollout.Candidate, rollout.Status));
        Assert.Equal([5, 10, 25, 50, 100], rollout.Steps);
        Assert.Equal((1, 10), (rollout.StepIndex, rollout.CandidatePercent));
        Assert.Equal((advanced.Sequence, "advanced", 5, 10), (rollout.LastDecision!.Sequence, rollout.LastDecision.Kind, rollout.LastDecision.FromPercent, rollout.LastDecision.ToPercent));
        Assert.Equal(advanced.Reason, rollout.LastDecision.Reason);
        Assert.NotEmpty(rollout.Guardrails);
        Assert.All(rollout.Guardrails, g => Assert.Contains(g.Verdict, new[] { "pass", "fail", "insufficient_data" }));
    }

    [Fact]
    public void An_ensemble_without_a_rollout_has_none()
    {
        var snapshot = PageStatisticsBuilder.Build(_h.Splits.State.View(), _h.Statistics, _endpoints, 0, _h.Controller.Get);
        Assert.Null(Assert.Single(snapshot.Ensembles).Rollout);
    }

    /// <summary>The snapshot through the page's JSON (as the dashboard receives it), read back.</summary>
    private PageRollout Snapshot()
    {
        var snapshot = PageStatisticsBuilder.Build(_h.Splits.State.View(), _h.Statistics, _endpoints, 0, _h.Controller.Get);
        string json = JsonSerializer.Serialize(snapshot, PageJsonContext.Default.PageStatistics);
        var read = JsonSerializer.Deserialize(json, PageJsonContext.Default.PageStatistics)!;
        return Assert.Single(read.Ensembles).Rollout!;
    }

    public void Dispose() => _h.Dispose();
}
