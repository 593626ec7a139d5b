using System.Collections.Concurrent;

namespace EnsembleGrpc.Router.Traffic;

/// <summary>
/// Counters per ensemble (its ModelStatistics as a virtual model), per ensemble and arm, per ensemble shadow, and per
/// member, kept by name so that they survive config reloads and split changes (an arm that keeps its name keeps its
/// history).
/// </summary>
public sealed class TrafficStatistics
{
    private readonly ConcurrentDictionary<string, ModelCounters> _models = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Ensemble, string Arm), ArmCounters> _arms = new();
    private readonly ConcurrentDictionary<string, ShadowCounters> _shadows = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Ensemble, string Member), long> _memberFailures = new();

    /// <summary>The ModelStatistics counters of an ensemble (a lookup without allocation once it exists).</summary>
    public ModelCounters Model(string ensemble) => _models.GetOrAdd(ensemble, static _ => new ModelCounters());

    public ArmCounters Arm(string ensemble, string arm) => _arms.GetOrAdd((ensemble, arm), static _ => new ArmCounters());

    public ShadowCounters Shadow(string ensemble) => _shadows.GetOrAdd(ensemble, static _ => new ShadowCounters());

    public void RecordMemberFailure(string ensemble, string member) =>
        _memberFailures.AddOrUpdate((ensemble, member), 1, static (_, n) => n + 1);

    public long MemberFailures(string ensemble, string member) =>
        _memberFailures.TryGetValue((ensemble, member), out long n) ? n : 0;
}
