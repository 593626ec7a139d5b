using System.Collections.Frozen;
using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Traffic.Assignment;

/// <summary>
/// The effective shares of every ensemble of one routing-file snapshot, with the runtime splits in effect: immutable,
/// built on each reload or split change and swapped as one reference, so a request reads it without a lock.
/// </summary>
public sealed class SplitTable
{
    private readonly FrozenDictionary<string, SplitTableEntry> _entries;

    private SplitTable(RouterModel snapshot, FrozenDictionary<string, ActiveSplit> splits, long splitChanges)
    {
        Snapshot = snapshot;
        Splits = splits;
        SplitChanges = splitChanges;
        _entries = snapshot.Ensembles.Values
            .Select(e => splits.TryGetValue(e.Name, out var split)
                ? new SplitTableEntry(e, split.Shares, split)
                : new SplitTableEntry(e, CumulativeShares.Of(e.Arms), null))
            .ToFrozenDictionary(x => x.Ensemble.Name, StringComparer.Ordinal);
    }

    /// <summary>The routing-file snapshot the table was built on.</summary>
    public RouterModel Snapshot { get; }

    /// <summary>The runtime splits in effect, by ensemble.</summary>
    public FrozenDictionary<string, ActiveSplit> Splits { get; }

    /// <summary>How many runtime split changes this process has made (for the effective config version).</summary>
    public long SplitChanges { get; }

    public static SplitTable Build(RouterModel snapshot, IEnumerable<ActiveSplit> splits, long splitChanges) =>
        new(snapshot, splits.ToFrozenDictionary(s => s.Stored.Ensemble, StringComparer.Ordinal), splitChanges);

    /// <summary>
    /// The index of the arm of <paramref name="ensemble"/> whose effective share holds <paramref name="point"/>. A request
    /// may carry a snapshot other than the table's (a reload in between): its runtime split still applies when it
    /// fits that snapshot, otherwise the snapshot's own weights decide.
    /// </summary>
    public int IndexOf(EnsembleModel ensemble, double point)
    {
        if (_entries.TryGetValue(ensemble.Name, out var entry))
        {
            if (ReferenceEquals(entry.Ensemble, ensemble))
            {
                return entry.Shares.IndexOf(point);
            }

            if (entry.Split is { } split && split.Fits(ensemble))
            {
                return split.Shares.IndexOf(point);
            }
        }

        return CumulativeShares.IndexOf(ensemble.Arms, point);
    }
}
