namespace EnsembleGrpc.Router.Frontend.Page.Contracts;

/// <summary>
/// <c>POST /page/api/models/{name}/infer</c>: the answer of the protocol's infer (same engine, same parameters) with
/// each member's own answer beside it. Probabilities are one array of 10 per row.
/// </summary>
/// <param name="Id">The request id, for feedback.</param>
/// <param name="Strategy">The strategy that produced the answer (bagging on a fallback).</param>
/// <param name="Arm">The arm that served; null unless the ensemble's <c>reveal_arm</c> is on (as in the protocol's answer).</param>
/// <param name="FallbackReason">Empty when no fallback; else the codes of config/README.md ("mnist_cnn_2: member_timeout").</param>
/// <param name="LatencyMs">From the request's arrival at the router to its answer, before it is written.</param>
public sealed record PageAnswer(
    string Id,
    string Model,
    string Strategy,
    string? Arm,
    bool Fallback,
    string FallbackReason,
    int MembersAnswered,
    double LatencyMs,
    IReadOnlyList<int> Predictions,
    IReadOnlyList<float[]> Probabilities,
    IReadOnlyList<PageMemberAnswer> Members);
