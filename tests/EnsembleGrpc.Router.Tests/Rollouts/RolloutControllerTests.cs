using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Rollouts;
using EnsembleGrpc.Router.Traffic.Assignment;

namespace EnsembleGrpc.Router.Tests.Rollouts;

public sealed class RolloutControllerTests : IDisposable
{
    private readonly RolloutHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Starting_sets_the_first_step_and_stores_the_decision()
    {
        var result = _h.Controller.Start("mnist", RolloutHarness.Canary(), "test");

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(new Dictionary<string, int> { ["control"] = 95, ["candidate"] = 5, ["other"] = 0 }, _h.Weights());
        var decision = Assert.Single(_h.Store.LoadDecisions(result.View!.State.Id));
        Assert.Equal((1L, DecisionKind.Started, 0, 5), (decision.Sequence, decision.Kind, decision.FromPercent, decision.ToPercent));
    }

    [Fact]
    public void A_healthy_candidate_advances_step_by_step_and_is_promoted()
    {
        _h.Controller.Start("mnist", RolloutHarness.Canary(), "test");

        var kinds = new List<DecisionKind>();
        for (int minute = 0; minute < 20 && _h.Controller.Get("mnist")!.State.Active; minute++)
        {
            kinds.AddRange(_h.Minute().Select(d => d.Kind));
        }

        Assert.Equal([DecisionKind.Advanced, DecisionKind.Advanced, DecisionKind.Advanced, DecisionKind.Promoted], kinds);
        Assert.Equal(100, _h.Weights()["candidate"]);
        Assert.Equal(0, _h.Weights()["control"]);
        var view = _h.Controller.Get("mnist")!;
        Assert.Equal(RolloutStatus.Promoted, view.State.Status);
        Assert.Equal([1L, 2, 3, 4, 5], view.Decisions.Select(d => d.Sequence));
        Assert.All(view.Decisions.Skip(1), d => Assert.NotNull(d.Evidence));
    }

    [Fact]
    public void A_step_does_not_end_before_its_minimum_time_or_samples()
    {
        _h.Controller.Start("mnist", RolloutHarness.Canary(minSamples: 500, minStepSeconds: 300), "test");

        Assert.Empty(_h.Minute(total: 20_000)); // samples in, time not
        _h.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(DecisionKind.Advanced, Assert.Single(_h.Controller.Tick()).Kind);
        _h.Time.Advance(TimeSpan.FromMinutes(10));
        _h.Traffic(baseline: 5000, candidate: 100); // time in, candidate samples not
        Assert.Empty(_h.Controller.Tick());
    }

    [Fact]
    public void A_candidate_with_more_errors_is_rolled_back_with_the_reason_and_evidence()
    {
        _h.Controller.Start("mnist", RolloutHarness.Canary(minSamples: 100_000), "test");

        RolloutDecision? rollback = null;
        for (int minute = 0; minute < 30 && rollback is null; minute++)
        {
            rollback = _h.Minute(candidateErrorEvery: 10).SingleOrDefault();
        }

        Assert.NotNull(rollback);
        Assert.Equal(DecisionKind.RolledBack, rollback.Kind);
        Assert.Contains("error_rate breached", rollback.Reason, StringComparison.Ordinal);
        var errors = rollback.Evidence!.Guardrails.Single(g => g.Name == "error_rate");
        Assert.Equal(GuardrailVerdict.Fail, errors.Verdict);
        Assert.True(errors.Lower > 0.005 && errors.AdjustedPValue <= 0.05);
        Assert.Equal(0, _h.Weights()["candidate"]);
        Assert.Equal(100, _h.Weights()["control"]);
    }

    [Fact]
    public void A_paused_rollout_does_not_advance_but_still_rolls_back_and_resumes_on_command()
    {
        _h.Controller.Start("mnist", RolloutHarness.Canary(), "test");
        Assert.True(_h.Controller.Pause("mnist", "ops").Succeeded);

        Assert.Empty(_h.Minute());
        Assert.Empty(_h.Minute());
        Assert.True(_h.Controller.Resume("mnist", "ops").Succeeded);
        Assert.Equal(DecisionKind.Advanced, Assert.Single(_h.Minute()).Kind);

        Assert.True(_h.Controller.Pause("mnist", "ops").Succeeded);
        RolloutDecision? decision = null;
        for (int minute = 0; minute < 30 && decision is null; minute++)
        {
            decision = _h.Minute(candidateErrorEvery: 5).SingleOrDefault();
        }

        Assert.Equal(DecisionKind.RolledBack, decision?.Kind);
    }

    [Fact]
    public void Operators_abort_and_promote_and_commands_without_an_active_rollout_are_refused()
    {
        Assert.Equal(RolloutCommandError.NotActive, _h.Controller.Pause("mnist", "ops").Error);
        _h.Controller.Start("mnist", RolloutHarness.Canary(), "test");
        Assert.Equal(RolloutCommandError.AlreadyActive, _h.Controller.Start("mnist", RolloutHarness.Canary(), "test").Error);

        Assert.True(_h.Controller.Abort("mnist", "ops").Succeeded);
        Assert.Equal(0, _h.Weights()["candidate"]);
        Assert.Equal(RolloutCommandError.NotActive, _h.Controller.Promote("mnist", "ops").Error);

        _h.Controller.Start("mnist", RolloutHarness.Canary(), "test");
        var promoted = _h.Controller.Promote("mnist", "ops");
        Assert.Equal(RolloutStatus.Promoted, promoted.View!.State.Status);
        Assert.Equal(100, _h.Weights()["candidate"]);
        Assert.Equal("ops", promoted.View.Decisions[^1].By);
    }

    [Fact]
    public void Invalid_settings_are_refused_with_every_problem()
    {
        var canary = new CanaryConfig { Baseline = "control", Candidate = "nope", Steps = [10, 5], Alpha = 2 };

        var result = _h.Controller.Start("mnist", canary, "test");

        Assert.Equal(RolloutCommandError.InvalidSpec, result.Error);
        Assert.Contains("canary.candidate: arm 'nope' does not exist", result.Message, StringComparison.Ordinal);
        Assert.Contains("canary.steps[1]: steps must increase", result.Message, StringComparison.Ordinal);
        Assert.Contains("canary.alpha", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sample_ratio_mismatch_holds_once_and_does_not_advance()
    {
        _h.Controller.Start("mnist", RolloutHarness.Canary(), "test");
        _h.Traffic(baseline: 3000, candidate: 400); // 11.8% for a 5% step
        _h.Time.Advance(TimeSpan.FromMinutes(2));

        var held = Assert.Single(_h.Controller.Tick());
        Assert.Equal(DecisionKind.Held, held.Kind);
        Assert.Contains("sample ratio mismatch", held.Reason, StringComparison.Ordinal);
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(_h.Controller.Tick());
        Assert.Equal(5, _h.Weights()["candidate"]);
    }

    [Fact]
    public void A_restart_mid_rollout_resumes_at_the_same_step_with_the_same_counts_and_numbering()
    {
        var id = _h.Controller.Start("mnist", RolloutHarness.Canary(minSamples: 1000), "test").View!.State.Id;
        Assert.Equal(DecisionKind.Advanced, _h.Minute(total: 20_000).Single().Kind); // to 10%
        _h.Traffic(baseline: 900, candidate: 100);
        _h.Time.Advance(TimeSpan.FromSeconds(5));
        _h.Controller.Tick(); // checkpoint with these requests in the step
        var before = _h.Controller.Get("mnist")!.State;

        _h.Restart();
        _h.Splits.Restart();

        var after = _h.Controller.Get("mnist")!.State;
        Assert.Equal((id, 1, 10), (after.Id, after.StepIndex, after.CandidatePercent));
        Assert.Equal(before.Total.Baseline, after.Total.Baseline);
        Assert.Equal(before.Step.Candidate, after.Step.Candidate);
        Assert.Equal(before.Decisions, after.Decisions);
        Assert.Equal(10, _h.Weights()["candidate"]);
        var next = _h.Minute(total: 20_000).Single();
        Assert.Equal((before.Decisions + 1, DecisionKind.Advanced), (next.Sequence, next.Kind));
        Assert.Equal(Enumerable.Range(1, (int)next.Sequence).Select(i => (long)i), _h.Store.LoadDecisions(id).Select(d => d.Sequence));
    }

    [Fact]
    public void Keys_on_the_candidate_stay_there_as_its_share_grows()
    {
        _h.Controller.Start("mnist", RolloutHarness.Canary(), "test");
        var assignment = _h.Splits.Assignment(new Random(1));
        var keys = Enumerable.Range(0, 20_000).Select(i => $"user-{i}").ToArray();
        var atFive = keys.Where(k => assignment.Assign(_h.Splits.Ensemble, k).Name == "candidate").ToHashSet();

        _h.Minute();
        Assert.Equal(10, _h.Weights()["candidate"]);
        var atTen = keys.Where(k => assignment.Assign(_h.Splits.Ensemble, k).Name == "candidate").ToHashSet();

        Assert.Subset(atTen, atFive);
        Assert.InRange(atFive.Count, 800, 1200);
        Assert.InRange(atTen.Count, 1800, 2200);
    }
}
