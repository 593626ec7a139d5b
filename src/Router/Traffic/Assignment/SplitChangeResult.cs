namespace EnsembleGrpc.Router.Traffic.Assignment;

/// <summary>
/// The outcome of a runtime split change: on success the effective config version and the ensemble's weights now in
/// effect; otherwise the error and a message for the operator.
/// </summary>
public sealed record SplitChangeResult(SplitChangeError Error, string Message, long Version, IReadOnlyDictionary<string, int> Weights)
{
    public bool Succeeded => Error == SplitChangeError.None;

    public static SplitChangeResult Failed(SplitChangeError error, string message) => new(error, message, 0, new Dictionary<string, int>());
}
