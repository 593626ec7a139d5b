namespace EnsembleGrpc.Router.Rollouts.Persistence;

/// <summary>
/// Durable rollouts: the state at every tick and each decision with its evidence. A decision and the state it leads
/// to are written in one transaction, and a decision number is stored at most once per rollout, so a restart neither
/// loses a decision nor takes it twice.
/// </summary>
public interface IRolloutStore
{
    /// <summary>Every stored rollout, oldest first.</summary>
    IReadOnlyList<RolloutState> LoadRollouts();

    /// <summary>Replaces the stored state of <see cref="RolloutState.Id"/> (a checkpoint between decisions).</summary>
    void SaveState(RolloutState state);

    /// <summary>Stores <paramref name="decision"/> and the state after it atomically; throws when its number is taken.</summary>
    void SaveDecision(RolloutState state, RolloutDecision decision);

    /// <summary>The decisions of one rollout in order.</summary>
    IReadOnlyList<RolloutDecision> LoadDecisions(string rolloutId);
}
