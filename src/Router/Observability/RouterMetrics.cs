using System.Diagnostics;
using System.Diagnostics.Metrics;
using EnsembleGrpc.Router.Engine;

namespace EnsembleGrpc.Router.Observability;

/// <summary>
/// The router's meter. Per request it records one latency histogram value and, for an answer, one counter (what the
/// engine tells <see cref="IRequestObserver"/>); everything else is read from the counters the router keeps anyway,
/// when Prometheus scrapes (<see cref="RouterObservableInstruments"/>). Names and units: README.md, "Metrics".
/// </summary>
public sealed class RouterMetrics : IRequestObserver
{
    public const string MeterName = "EnsembleGrpc.Router";

    /// <summary>Latency buckets in seconds: sub-millisecond answers of a warm CPU model up to a 10 s timeout.</summary>
    internal static readonly double[] LatencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Histogram<double> _duration;
    private readonly Counter<long> _answers;
    private readonly double _secondsPerTick;

    /// <param name="rollouts">The rollouts' instruments; absent in hosts without the rollout controller.</param>
    public RouterMetrics(IMeterFactory meters, RouterObservableInstruments observables, TimeProvider time, RolloutInstruments? rollouts = null)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(observables);
        ArgumentNullException.ThrowIfNull(time);
        var meter = meters.Create(MeterName);
        _secondsPerTick = 1.0 / time.TimestampFrequency;
        _duration = meter.CreateHistogram(
            "ensemblegrpc.router.request.duration", "s",
            "Requests of a virtual model from arrival to encoded answer, by model, arm, the arm's strategy and outcome (answered, fallback, rejected, overloaded, unavailable, cancelled).",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _answers = meter.CreateCounter<long>(
            "ensemblegrpc.router.answers", null,
            "Answered requests by model, arm and the strategy that answered (bagging when the arm fell back).");
        observables.Register(meter);
        rollouts?.Register(meter);
    }

    public void Answered(InferenceOutcome outcome, long arrival, long end)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var result = outcome.Result;
        string outcomeLabel = result is { Fallback: true } ? "fallback" : "answered";
        Record(outcome, outcomeLabel, arrival, end);
        if (outcome.Ensemble is { } ensemble && outcome.Arm is { } arm)
        {
            var tags = new TagList { { "model", ensemble.Name }, { "arm", arm.Name }, { "strategy", result?.Strategy ?? arm.Strategy } };
            _answers.Add(1, tags);
        }
    }

    public void Failed(InferenceOutcome outcome, long arrival, long end)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        Record(outcome, OutcomeLabel(outcome.Error), arrival, end);
    }

    /// <summary>The outcome label of a request that got no answer.</summary>
    internal static string OutcomeLabel(RouterError error) => error switch
    {
        RouterError.InvalidInput or RouterError.Rejected or RouterError.ModelNotFound or RouterError.VersionNotFound => "rejected",
        RouterError.Overloaded or RouterError.Shed => "overloaded",
        RouterError.Cancelled => "cancelled",
        _ => "unavailable",
    };

    private void Record(InferenceOutcome outcome, string outcomeLabel, long arrival, long end)
    {
        if (outcome.Ensemble is not { } ensemble)
        {
            // A model name the router does not serve is the client's text: never a label.
            return;
        }

        var tags = new TagList
        {
            { "model", ensemble.Name },
            { "arm", outcome.Arm?.Name ?? "none" },
            { "strategy", outcome.Arm?.Strategy ?? "none" },
            { "outcome", outcomeLabel },
        };
        _duration.Record(Math.Max(0, end - arrival) * _secondsPerTick, tags);
    }
}
