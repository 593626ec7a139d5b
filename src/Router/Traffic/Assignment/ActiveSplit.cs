using EnsembleGrpc.Router.Experiments;
using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Traffic.Assignment;

/// <summary>
/// A runtime split in effect on one ensemble: the stored split with its weights laid out in the order of the arms of
/// the file snapshot it was checked against, and its cumulative shares.
/// </summary>
public sealed class ActiveSplit
{
    private readonly string[] _armNames;
    private readonly int[] _fileWeights;

    private ActiveSplit(StoredSplit stored, string[] armNames, int[] fileWeights, int[] weights)
    {
        Stored = stored;
        _armNames = armNames;
        _fileWeights = fileWeights;
        Weights = weights;
        Shares = CumulativeShares.Of(weights);
    }

    public StoredSplit Stored { get; }

    /// <summary>The split's weights, aligned with the snapshot's arms.</summary>
    public IReadOnlyList<int> Weights { get; }

    public CumulativeShares Shares { get; }

    /// <summary>The split laid over <paramref name="ensemble"/>; only for a split that <see cref="SplitRules.Conflict"/> accepts.</summary>
    public static ActiveSplit On(EnsembleModel ensemble, StoredSplit stored) => new(
        stored,
        ensemble.Arms.Select(a => a.Name).ToArray(),
        ensemble.Arms.Select(a => a.Weight).ToArray(),
        ensemble.Arms.Select(a => stored.Weights[a.Name]).ToArray());

    /// <summary>
    /// Whether <paramref name="ensemble"/> still has the same arms, in the same order, with the file weights this split
    /// was laid over. Allocation-free: requests call it for a snapshot newer than the table.
    /// </summary>
    public bool Fits(EnsembleModel ensemble)
    {
        var arms = ensemble.Arms;
        if (arms.Count != _armNames.Length)
        {
            return false;
        }

        for (int i = 0; i < _armNames.Length; i++)
        {
            if (arms[i].Weight != _fileWeights[i] || !string.Equals(arms[i].Name, _armNames[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
