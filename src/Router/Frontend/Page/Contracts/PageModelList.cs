namespace EnsembleGrpc.Router.Frontend.Page.Contracts;

/// <summary>
/// <c>GET /page/api/models</c>: what the page offers and how the dashboard behaves. Only what any client already
/// learns from the protocol (model names, strategy names, member names in fallback reasons): arms and weights are
/// configuration, read through the statistics, which <c>--admin-protect-reads</c> guards.
/// </summary>
/// <param name="PollIntervalMs">How often the dashboard polls (<see cref="PageOptions.PollIntervalMs"/>).</param>
/// <param name="ReadsProtected">Whether the statistics need the admin token (<c>--admin-protect-reads</c>).</param>
/// <param name="FeedbackEnabled">Whether an admin token is configured at all (without one, feedback is refused).</param>
public sealed record PageModelList(int PollIntervalMs, bool ReadsProtected, bool FeedbackEnabled, IReadOnlyList<PageModelInfo> Models);
