using EnsembleGrpc.Router.Experiments;
using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Traffic.Assignment;

/// <summary>
/// What makes a runtime split valid for an ensemble, and when a stored one still applies to the routing file: the
/// file has the ensemble, exactly the split's arms, and the weights it had when the split was set (otherwise the file
/// was edited since, and the file wins).
/// </summary>
public static class SplitRules
{
    /// <summary>Every problem of <paramref name="weights"/> for <paramref name="ensemble"/>; empty when valid.</summary>
    public static IReadOnlyList<string> Validate(EnsembleModel ensemble, IReadOnlyDictionary<string, int> weights)
    {
        string ensembleName = ensemble.Name;
        var errors = new List<string>();
        foreach (var name in weights.Keys.Where(n => ensemble.FindArm(n) is null))
        {
            errors.Add($"arm '{name}' does not exist in '{ensembleName}'; arms: {string.Join(", ", ensemble.Arms.Select(a => a.Name))}.");
        }

        foreach (var arm in ensemble.Arms.Where(a => !weights.ContainsKey(a.Name)))
        {
            errors.Add($"arm '{arm.Name}' has no weight; name every arm (0 takes it out of the split).");
        }

        foreach (var (name, weight) in weights.Where(w => w.Value < 0))
        {
            errors.Add($"arm '{name}': weight must be 0 or more; got {weight}.");
        }

        if (weights.Values.Where(w => w > 0).Sum(w => (long)w) is var total && (total <= 0 || total > int.MaxValue))
        {
            errors.Add("the weights must sum to more than 0 (and fit in 32 bits).");
        }

        return errors;
    }

    /// <summary>Why <paramref name="split"/> no longer applies to the file's <paramref name="ensemble"/>; null when it does.</summary>
    public static string? Conflict(EnsembleModel? ensemble, StoredSplit split)
    {
        if (ensemble is null)
        {
            return "the routing file no longer has this ensemble";
        }

        var fileWeights = FileWeights(ensemble);
        if (!fileWeights.Keys.ToHashSet(StringComparer.Ordinal).SetEquals(split.Weights.Keys))
        {
            return $"its arms ({Names(split.Weights)}) are not the file's arms ({Names(fileWeights)})";
        }

        if (fileWeights.Any(w => split.FileWeights.GetValueOrDefault(w.Key, -1) != w.Value))
        {
            return "the routing file changed this ensemble's weights since the split was set (the file wins)";
        }

        return Validate(ensemble, split.Weights) is { Count: > 0 } errors ? string.Join(" ", errors) : null;
    }

    /// <summary>The ensemble's arm weights as the routing file has them.</summary>
    public static Dictionary<string, int> FileWeights(EnsembleModel ensemble) =>
        ensemble.Arms.ToDictionary(a => a.Name, a => a.Weight, StringComparer.Ordinal);

    public static string Describe(IReadOnlyDictionary<string, int> weights) =>
        string.Join(", ", weights.OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => $"{w.Key}={w.Value}"));

    private static string Names<T>(IReadOnlyDictionary<string, T> weights) => string.Join(", ", weights.Keys.Order(StringComparer.Ordinal));
}
