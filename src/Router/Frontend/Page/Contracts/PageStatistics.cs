namespace EnsembleGrpc.Router.Frontend.Page.Contracts;

/// <summary>
/// <c>GET /page/api/statistics</c>: the counters RouterAdmin's GetStatistics reads, as one JSON snapshot. Counts are
/// cumulative since start; the dashboard turns two snapshots into rates. <paramref name="TimeMs"/> is the router's
/// clock (Unix milliseconds) when the snapshot was taken.
/// </summary>
public sealed record PageStatistics(long TimeMs, long ConfigVersion, IReadOnlyList<PageEnsembleStatistics> Ensembles);
