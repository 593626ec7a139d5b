using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Traffic;

/// <summary>The weighted split of the snapshot's arm weights (<see cref="TrafficSplitter"/>), sticky by routing key.</summary>
public sealed class WeightedSplitAssignment(Random random) : ITrafficAssignment
{
    public ArmModel Assign(EnsembleModel ensemble, string? routingKey) => TrafficSplitter.Choose(ensemble, routingKey, random);
}
