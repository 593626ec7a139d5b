using System.Text.Json.Serialization;
using EnsembleGrpc.Router.Configuration;

namespace EnsembleGrpc.Router.Rollouts;

/// <summary>
/// A rollout as stored at every tick: its settings, status, current step and when it began, the counts over the
/// whole rollout and over the step, the running always-valid p-values (they only fall), the last hold's reason, and
/// how many decisions it has taken. Immutable: each tick makes a new one.
/// </summary>
public sealed record RolloutState
{
    public const string ControllerActor = "controller";

    private (CanaryConfig Config, RolloutSpec Spec)? _spec;

    public required string Id { get; init; }

    public required string Ensemble { get; init; }

    public required CanaryConfig Config { get; init; }

    public required RolloutStatus Status { get; init; }

    public required int StepIndex { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset StepStartedAt { get; init; }

    public required string StartedBy { get; init; }

    public long Decisions { get; init; }

    public RolloutCounts Total { get; init; } = RolloutCounts.Empty;

    public RolloutCounts Step { get; init; } = RolloutCounts.Empty;

    public IReadOnlyDictionary<string, double> PValues { get; init; } = new Dictionary<string, double>();

    public string? HoldReason { get; init; }

    /// <summary>The settings with defaults applied; built once per <see cref="Config"/> (the simulator looks millions of times).</summary>
    [JsonIgnore]
    public RolloutSpec Spec
    {
        get
        {
            var cached = _spec;
            if (cached is null || !ReferenceEquals(cached.Value.Config, Config))
            {
                cached = (Config, RolloutSpec.From(Config));
                _spec = cached;
            }

            return cached.Value.Spec;
        }
    }

    [JsonIgnore]
    public bool Active => Status is RolloutStatus.Running or RolloutStatus.Paused;

    /// <summary>The candidate's share now: the step's while active, 100 once promoted, 0 once rolled back or aborted.</summary>
    [JsonIgnore]
    public int CandidatePercent => Status switch
    {
        RolloutStatus.Promoted => 100,
        RolloutStatus.RolledBack or RolloutStatus.Aborted => 0,
        _ => Spec.Steps[StepIndex],
    };

    public RolloutState Observe(RolloutObservation observation) =>
        this with { Total = Total.Add(observation), Step = Step.Add(observation) };
}
