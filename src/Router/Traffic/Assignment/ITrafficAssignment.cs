using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Traffic.Assignment;

/// <summary>
/// Chooses the arm that serves a request that does not name a strategy. The weighted split is the first policy; a
/// canary controller and a bandit plug in here too. Implementations are thread-safe singletons and decide from the
/// ensemble snapshot, the routing key (sticky when given) and their own state; they never throw for a valid snapshot.
/// </summary>
public interface ITrafficAssignment
{
    ArmModel Assign(EnsembleModel ensemble, string? routingKey);
}
