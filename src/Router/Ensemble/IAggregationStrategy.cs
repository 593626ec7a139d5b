using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Ensemble;

/// <summary>
/// One ensemble strategy, chosen by <see cref="Name"/> in the routing file (like YARP's load-balancing policies).
/// Implementations are stateless singletons: per-arm parameters live in the <see cref="Model.ArmModel"/>.
/// They see only validated outputs and only when every member of the arm answered; they return failures as values.
/// </summary>
public interface IAggregationStrategy
{
    string Name { get; }

    AggregationResult Aggregate(AggregationInput input);
}
