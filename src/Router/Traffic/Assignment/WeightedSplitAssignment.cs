using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Traffic.Assignment;

/// <summary>
/// The weighted split: the file's arm weights, or the runtime split set through RouterAdmin when one is in effect
/// (<see cref="TrafficSplitState"/>). A routing key picks its arm by its fixed point in [0, 1) (<see cref="StickyPoint"/>),
/// so it stays on its arm while the weights keep their proportions; a request without a key draws the point from the
/// injected Random (thread-safe, e.g. Random.Shared). Per request: no lock, no allocation.
/// </summary>
public sealed class WeightedSplitAssignment(TrafficSplitState splits, Random random) : ITrafficAssignment
{
    public ArmModel Assign(EnsembleModel ensemble, string? routingKey)
    {
        double point = string.IsNullOrEmpty(routingKey) ? random.NextDouble() : StickyPoint.Of(routingKey);
        return ensemble.Arms[splits.Table.IndexOf(ensemble, point)];
    }
}
