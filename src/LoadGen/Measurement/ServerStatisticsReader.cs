using EnsembleGrpc.LoadGen.Backend;

namespace EnsembleGrpc.LoadGen.Measurement;

/// <summary>Reads ModelStatistics of one model from each server that offers them (the target, or named workers).</summary>
public sealed class ServerStatisticsReader(IReadOnlyList<IInferenceBackend> servers, string model, string? version)
{
    public static readonly ServerStatisticsReader None = new([], string.Empty, null);

    public async Task<IReadOnlyList<ModelStatisticsSnapshot?>> ReadAsync(CancellationToken cancellationToken)
    {
        if (servers.Count == 0)
        {
            return [];
        }

        var reads = servers.Select(s => s.GetStatisticsAsync(model, version, cancellationToken).AsTask());
        return await Task.WhenAll(reads).ConfigureAwait(false);
    }

    public static IReadOnlyList<ServerSideSummary> Delta(IReadOnlyList<ModelStatisticsSnapshot?> before, IReadOnlyList<ModelStatisticsSnapshot?> after)
    {
        var result = new List<ServerSideSummary>();
        for (var i = 0; i < Math.Min(before.Count, after.Count); i++)
        {
            if (before[i] is { } b && after[i] is { } a)
            {
                result.Add(ServerSideSummary.Delta(b, a));
            }
        }

        return result;
    }
}
