using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Traffic.Assignment;

/// <summary>
/// The configuration as it routes: the routing file's snapshot with the runtime splits in effect written over its arm
/// weights (in the snapshot and in its config), source <see cref="TrafficSplitState.AdminSource"/> when any split is in
/// effect, and a version that counts reloads and split changes together. For the admin views, not for requests.
/// </summary>
public static class EffectiveConfig
{
    public static RouterModel Of(RouterModel fromFile, SplitTable table)
    {
        var splits = fromFile.Ensembles.Values
            .Select(e => table.Splits.TryGetValue(e.Name, out var split) && split.Fits(e) ? split : null)
            .OfType<ActiveSplit>()
            .ToArray();
        var model = fromFile with { Version = fromFile.Version + table.SplitChanges };
        foreach (var split in splits)
        {
            model = WithSplit(model, split);
        }

        return splits.Length == 0 ? model : model with { Source = TrafficSplitState.AdminSource };
    }

    /// <summary>The arm weights <paramref name="ensemble"/> routes with.</summary>
    public static IReadOnlyDictionary<string, int> Weights(EnsembleModel ensemble, SplitTable table)
    {
        var split = table.Splits.TryGetValue(ensemble.Name, out var s) && s.Fits(ensemble) ? s : null;
        return ensemble.Arms
            .Select((arm, i) => (arm.Name, Weight: split?.Weights[i] ?? arm.Weight))
            .ToDictionary(x => x.Name, x => x.Weight, StringComparer.Ordinal);
    }

    private static RouterModel WithSplit(RouterModel current, ActiveSplit split)
    {
        string name = split.Stored.Ensemble;
        var weights = split.Stored.Weights;
        var ensemble = current.Ensembles[name];
        var arms = ensemble.Arms.Select(a => a with { Weight = weights[a.Name] }).ToArray();
        var shadow = ensemble.Shadow is null ? null : ensemble.Shadow with { Arm = arms.First(a => a.Name == ensemble.Shadow.Arm.Name) };
        var ensembles = new Dictionary<string, EnsembleModel>(current.Ensembles, StringComparer.Ordinal)
        {
            [name] = ensemble with { Arms = arms, Shadow = shadow },
        };
        var config = current.Config with
        {
            Ensembles = current.Config.Ensembles!
                .Select(e => e.Name != name ? e : e with { Arms = e.Arms!.Select(a => a with { Weight = weights[a.Name!] }).ToArray() })
                .ToArray(),
        };
        return current with { Config = config, Ensembles = ensembles };
    }
}
