namespace EnsembleGrpc.Router.Experiments;

/// <summary>
/// A runtime split as stored: the arm weights set by <see cref="SetBy"/> at <see cref="SetAt"/>, and what the routing
/// file said when it was set (its SHA-256 and the ensemble's arm weights in the file), so a later file change can be
/// told apart from the same file.
/// </summary>
public sealed record StoredSplit(
    string Ensemble,
    IReadOnlyDictionary<string, int> Weights,
    IReadOnlyDictionary<string, int> FileWeights,
    string ConfigSha256,
    long ConfigVersion,
    DateTimeOffset SetAt,
    string SetBy);
