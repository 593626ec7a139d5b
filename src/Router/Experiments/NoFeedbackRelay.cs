namespace EnsembleGrpc.Router.Experiments;

/// <summary>A router alone (SQLite, memory or no state): every request it can score is one it answered itself.</summary>
public sealed class NoFeedbackRelay : IFeedbackRelay
{
    public static readonly NoFeedbackRelay Instance = new();

    public bool Enabled => false;

    public bool Forward(string requestId, IReadOnlyList<int> labels, DateTimeOffset at) => false;

    public (IReadOnlyList<ForwardedFeedback> Taken, int Dropped) Take(Func<string, bool> known, DateTimeOffset expireBefore) => ([], 0);
}
