using EnsembleGrpc.LoadGen.Backend;

namespace EnsembleGrpc.LoadGen.Measurement;

/// <summary>One place server statistics are read from: a server and one of its models, or every model it reports (Model null).</summary>
public sealed record StatisticsQuery(IInferenceBackend Server, string? Model, string? Version = null);

/// <summary>
/// Reads ModelStatistics from each source (the target's model by default; with --server-stats, e.g. the router's
/// ensemble and every worker's members), one snapshot per server and model, in the order of the sources.
/// </summary>
public sealed class ServerStatisticsReader(IReadOnlyList<StatisticsQuery> queries)
{
    public static readonly ServerStatisticsReader None = new([]);

    /// <summary>The same model of every server.</summary>
    public ServerStatisticsReader(IReadOnlyList<IInferenceBackend> servers, string model, string? version)
        : this([.. servers.Select(s => new StatisticsQuery(s, model, version))])
    {
    }

    public IReadOnlyList<StatisticsQuery> Queries => queries;

    public async Task<IReadOnlyList<ModelStatisticsSnapshot>> ReadAsync(CancellationToken cancellationToken)
    {
        if (queries.Count == 0)
        {
            return [];
        }

        var reads = queries.Select(q => q.Server.GetStatisticsAsync(q.Model, q.Version, cancellationToken).AsTask());
        var results = await Task.WhenAll(reads).ConfigureAwait(false);
        return [.. results.Where(r => r is not null).SelectMany(r => r!)];
    }

    /// <summary>What each server and model did between two reads; one missing from either read is left out.</summary>
    public static IReadOnlyList<ServerSideSummary> Delta(IReadOnlyList<ModelStatisticsSnapshot> before, IReadOnlyList<ModelStatisticsSnapshot> after)
    {
        var result = new List<ServerSideSummary>();
        var seen = new HashSet<(string, string)>();
        foreach (var a in after)
        {
            if (!seen.Add((a.Source, a.Model)))
            {
                continue;
            }

            if (before.FirstOrDefault(b => b.Source == a.Source && b.Model == a.Model) is { } b)
            {
                result.Add(ServerSideSummary.Delta(b, a));
            }
        }

        return result;
    }
}
