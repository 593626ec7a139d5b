namespace EnsembleGrpc.LoadGen.Rollouts;

/// <summary>
/// The router's administration calls a feedback run needs: a true label for an answered request, and the rollout's
/// view. Like the inference backend, implementations never throw for a failed call.
/// </summary>
public interface IRolloutAdmin : IAsyncDisposable
{
    /// <summary>Sends the true labels of an answered request (the router scores its arm's answer).</summary>
    ValueTask<FeedbackResult> SubmitFeedbackAsync(string requestId, IReadOnlyList<int> labels, CancellationToken cancellationToken);

    /// <summary>The ensemble's latest rollout; null when it has none or the router could not be asked.</summary>
    ValueTask<RolloutSnapshot?> GetRolloutAsync(string ensemble, CancellationToken cancellationToken);
}
