namespace EnsembleGrpc.Router.Frontend.Page.Contracts;

/// <summary>
/// One member's part in an answer: its probabilities and vote (argmax) per row, or the short failure code a client
/// may see (config/README.md, "fallback_reason"); never an endpoint address or a worker's words.
/// </summary>
public sealed record PageMemberAnswer(
    string Name,
    bool Answered,
    string? Failure,
    double LatencyMs,
    IReadOnlyList<int>? Votes,
    IReadOnlyList<float[]>? Probabilities);
