using System.Data.Common;

namespace EnsembleGrpc.Router.Experiments;

/// <summary>
/// Reads the split tables into <see cref="StoredSplit"/>s, the same for every store: the arms' rows
/// (<c>ensemble, arm, weight, file_weight</c>), then one row per split (<c>ensemble, config_sha256, config_version,
/// set_at, set_by</c>). Only the time column differs between databases, so the store reads it.
/// </summary>
internal static class StoredSplitRows
{
    public static Dictionary<string, (Dictionary<string, int> Weights, Dictionary<string, int> File)> ReadArms(DbDataReader reader)
    {
        var arms = new Dictionary<string, (Dictionary<string, int> Weights, Dictionary<string, int> File)>(StringComparer.Ordinal);
        while (reader.Read())
        {
            string ensemble = reader.GetString(0);
            if (!arms.TryGetValue(ensemble, out var entry))
            {
                entry = (new Dictionary<string, int>(StringComparer.Ordinal), new Dictionary<string, int>(StringComparer.Ordinal));
                arms[ensemble] = entry;
            }

            entry.Weights[reader.GetString(1)] = reader.GetInt32(2);
            entry.File[reader.GetString(1)] = reader.GetInt32(3);
        }

        return arms;
    }

    public static List<StoredSplit> ReadSplits(
        DbDataReader reader, Dictionary<string, (Dictionary<string, int> Weights, Dictionary<string, int> File)> arms, Func<DbDataReader, DateTimeOffset> setAt)
    {
        var splits = new List<StoredSplit>();
        while (reader.Read())
        {
            string ensemble = reader.GetString(0);
            arms.TryGetValue(ensemble, out var entry);
            splits.Add(new StoredSplit(
                ensemble,
                entry.Weights ?? new Dictionary<string, int>(StringComparer.Ordinal),
                entry.File ?? new Dictionary<string, int>(StringComparer.Ordinal),
                reader.GetString(1),
                reader.GetInt64(2),
                setAt(reader),
                reader.GetString(4)));
        }

        return splits;
    }
}
