using System.Diagnostics.Metrics;
using System.Text.Json;
using EnsembleGrpc.Router.Rollouts;

namespace EnsembleGrpc.Router.Observability;

/// <summary>
/// Each ensemble's latest rollout, read at scrape time from the controller: the candidate's share, the step, the
/// status (1 for the current one) and the decisions taken by kind. Labels name the model and the two arms, so a
/// dashboard can follow a rollout and an alert can fire on a rollback.
/// </summary>
public sealed class RolloutInstruments(RolloutController rollouts)
{
    private static readonly string[] Statuses = [.. Enum.GetNames<RolloutStatus>().Select(Key)];

    public void Register(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        meter.CreateObservableGauge("ensemblegrpc.router.rollout.candidate_share_ratio",
            () => Each<double>(v => [new Measurement<double>(v.State.CandidatePercent / 100.0, Tags(v))]), null,
            "Share of the ensemble's traffic a rollout gives its candidate arm now, 0..1.");
        meter.CreateObservableGauge("ensemblegrpc.router.rollout.step",
            () => Each<long>(v => [new Measurement<long>(v.State.StepIndex, Tags(v))]), null,
            "Index (from 0) of the rollout's current step in its list of steps.");
        meter.CreateObservableGauge("ensemblegrpc.router.rollout.status",
            () => Each(v => Statuses.Select(s => new Measurement<long>(s == Key(v.State.Status.ToString()) ? 1 : 0, [.. Tags(v), new("status", s)]))), null,
            "1 for the rollout's current status (running, paused, promoted, rolled_back, aborted, ...), 0 for the others.");
        meter.CreateObservableCounter("ensemblegrpc.router.rollout.decisions",
            () => Each(v => v.Decisions.GroupBy(d => Key(d.Kind.ToString())).Select(g => new Measurement<long>(g.LongCount(), [.. Tags(v), new("kind", g.Key)]))), null,
            "Decisions the rollout has taken, by kind (started, advanced, held, rolled_back, promoted, paused, resumed, aborted).");
    }

    private IEnumerable<Measurement<T>> Each<T>(Func<RolloutView, IEnumerable<Measurement<T>>> read)
        where T : struct => rollouts.All().SelectMany(read);

    private static KeyValuePair<string, object?>[] Tags(RolloutView view) =>
        [new("model", view.State.Ensemble), new("baseline", view.State.Spec.Baseline), new("candidate", view.State.Spec.Candidate)];

    private static string Key(string name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
}
