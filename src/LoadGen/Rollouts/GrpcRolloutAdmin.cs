using EnsembleGrpc.Protocol.Admin;
using Grpc.Core;
using Grpc.Net.Client;

namespace EnsembleGrpc.LoadGen.Rollouts;

/// <summary>
/// RouterAdmin over gRPC: SubmitFeedback with the admin token (a bearer token, as for every admin write), GetRollout
/// without. The only place in LoadGen's rollout code that sees protocol types.
/// </summary>
public sealed class GrpcRolloutAdmin : IRolloutAdmin
{
    private readonly GrpcChannel _channel;
    private readonly RouterAdmin.RouterAdminClient _client;
    private readonly Metadata _bearer;
    private readonly TimeSpan _deadline;
    private readonly TimeProvider _time;

    public GrpcRolloutAdmin(string address, string? token, TimeSpan deadline, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _channel = GrpcChannel.ForAddress(address);
        _client = new RouterAdmin.RouterAdminClient(_channel);
        _bearer = string.IsNullOrEmpty(token) ? [] : new Metadata { { "authorization", "Bearer " + token } };
        _deadline = deadline;
    }

    public async ValueTask<FeedbackResult> SubmitFeedbackAsync(string requestId, IReadOnlyList<int> labels, CancellationToken cancellationToken)
    {
        var request = new SubmitFeedbackRequest { RequestId = requestId };
        request.Labels.AddRange(labels);
        try
        {
            await _client.SubmitFeedbackAsync(request, _bearer, Deadline(), cancellationToken).ConfigureAwait(false);
            return new FeedbackResult(StatusCode.OK);
        }
        catch (RpcException ex)
        {
            return new FeedbackResult(ex.StatusCode);
        }
    }

    public async ValueTask<RolloutSnapshot?> GetRolloutAsync(string ensemble, CancellationToken cancellationToken)
    {
        try
        {
            var info = await _client.GetRolloutAsync(new GetRolloutRequest { Ensemble = ensemble }, deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
            return ToSnapshot(info);
        }
        catch (RpcException)
        {
            return null;
        }
    }

    public ValueTask DisposeAsync()
    {
        _channel.Dispose();
        return ValueTask.CompletedTask;
    }

    internal static RolloutSnapshot ToSnapshot(RolloutInfo info)
    {
        var (baseline, candidate, _) = EvidenceReader.Read(info.EvidenceJson);
        return new RolloutSnapshot
        {
            Id = info.Id,
            Status = info.Status,
            CandidatePercent = info.CandidatePercent,
            StepIndex = info.StepIndex,
            Steps = [.. info.Steps],
            Baseline = info.Baseline,
            Candidate = info.Candidate,
            HoldReason = info.HoldReason,
            Guardrails = [.. info.Guardrails.Select(g => new GuardrailPoint(g.Name, g.Estimate, g.AdjustedPValue, g.Verdict))],
            Decisions = [.. info.DecisionLog.Select(ToDecision)],
            BaselineTotal = baseline,
            CandidateTotal = candidate,
        };
    }

    private static RolloutDecisionPoint ToDecision(RolloutDecisionRecord d)
    {
        var (baseline, candidate, p95) = EvidenceReader.Read(d.EvidenceJson);
        return new RolloutDecisionPoint
        {
            Sequence = d.Sequence,
            At = d.At,
            Kind = d.Kind,
            FromPercent = d.FromPercent,
            ToPercent = d.ToPercent,
            Reason = d.Reason,
            By = d.By,
            Baseline = baseline,
            Candidate = candidate,
            CandidateP95Ms = p95,
        };
    }

    private DateTime Deadline() => _time.GetUtcNow().UtcDateTime + _deadline;
}
