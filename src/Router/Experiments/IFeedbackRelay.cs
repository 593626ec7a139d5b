namespace EnsembleGrpc.Router.Experiments;

/// <summary>
/// Feedback between router replicas that share a store: labels for a request this replica did not answer (a load
/// balancer sent the feedback elsewhere) are left in the store, and the replica that answered it, the only one that
/// knows what it predicted, takes them there and scores them.
/// </summary>
public interface IFeedbackRelay
{
    /// <summary>False without a shared store: feedback for an unknown request is then refused at once.</summary>
    bool Enabled { get; }

    /// <summary>Leaves <paramref name="labels"/> for the replica that answered <paramref name="requestId"/>; false when labels for it wait already.</summary>
    bool Forward(string requestId, IReadOnlyList<int> labels, DateTimeOffset at);

    /// <summary>
    /// Takes the waiting labels of the requests <paramref name="known"/> accepts (each taken by one replica only) and
    /// drops those left since before <paramref name="expireBefore"/>, which no replica knew; returns what it took and how
    /// many it dropped.
    /// </summary>
    (IReadOnlyList<ForwardedFeedback> Taken, int Dropped) Take(Func<string, bool> known, DateTimeOffset expireBefore);
}
