namespace EnsembleGrpc.Router.Rollouts.Persistence;

/// <summary><c>--state none</c>: rollouts live in memory only (decisions kept for the admin view while the process runs).</summary>
public sealed class NullRolloutStore : IRolloutStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<RolloutDecision>> _decisions = new(StringComparer.Ordinal);

    public IReadOnlyList<RolloutState> LoadRollouts() => [];

    public void SaveState(RolloutState state)
    {
    }

    public void SaveDecision(RolloutState state, RolloutDecision decision)
    {
        ArgumentNullException.ThrowIfNull(state);
        lock (_gate)
        {
            if (!_decisions.TryGetValue(state.Id, out var list))
            {
                _decisions[state.Id] = list = [];
            }

            list.Add(decision);
        }
    }

    public IReadOnlyList<RolloutDecision> LoadDecisions(string rolloutId)
    {
        lock (_gate)
        {
            return _decisions.TryGetValue(rolloutId, out var list) ? [.. list] : [];
        }
    }
}
