namespace EnsembleGrpc.Router.Frontend.Page.Contracts;

/// <param name="ConfiguredShare">weight / the ensemble's total weight: the share the split aims at (0..1).</param>
/// <param name="Rejections">Requests refused as the caller's fault (counted in <paramref name="Requests"/>, not errors).</param>
/// <param name="Latency">Over the arm's most recent requests (a ring of 4096), count cumulative.</param>
public sealed record PageArmStatistics(
    string Name,
    string Strategy,
    int Weight,
    double ConfiguredShare,
    long Requests,
    long Errors,
    long Rejections,
    long Fallbacks,
    IReadOnlyDictionary<string, long> FallbackReasons,
    PageLatency Latency,
    long FeedbackRows,
    long FeedbackCorrect,
    double OnlineAccuracy);
