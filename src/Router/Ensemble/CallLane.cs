namespace EnsembleGrpc.Router.Ensemble;

/// <summary>
/// Whose call it is. Shadow calls have endpoint states (breakers, counters) and batch queues of their own, so that a
/// shadow's failures never open the primary's path and its load never delays primary calls.
/// </summary>
public enum CallLane
{
    Primary,
    Shadow,
}
