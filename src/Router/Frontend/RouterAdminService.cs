using EnsembleGrpc.Protocol.Admin;
using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Experiments;
using EnsembleGrpc.Router.Resilience;
using EnsembleGrpc.Router.Traffic;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Router.Frontend;

/// <summary>
/// The RouterAdmin service: read the active config and the statistics; change the split (bearer token required);
/// submit feedback (true labels of an answered request) for the per-arm online accuracy, kept in the
/// <see cref="IExperimentStore"/> so it survives a restart.
/// </summary>
public sealed partial class RouterAdminService(
    RoutingConfigProvider config,
    TrafficStatistics statistics,
    EndpointRegistry endpoints,
    RequestLedger ledger,
    IExperimentStore store,
    ILogger<RouterAdminService> logger) : RouterAdmin.RouterAdminBase
{
    public override Task<GetConfigResponse> GetConfig(GetConfigRequest request, ServerCallContext context)
    {
        var current = config.Current;
        return Task.FromResult(new GetConfigResponse
        {
            ConfigJson = RoutingConfigJson.Serialize(current.Config),
            Version = current.Version,
            Source = current.Source,
        });
    }

    public override Task<GetStatisticsResponse> GetStatistics(GetStatisticsRequest request, ServerCallContext context)
    {
        var current = config.Current;
        var response = new GetStatisticsResponse();
        if (!string.IsNullOrEmpty(request.Ensemble) && !current.Ensembles.ContainsKey(request.Ensemble))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"ensemble '{request.Ensemble}' does not exist; ensembles: {string.Join(", ", current.Ensembles.Keys)}."));
        }

        foreach (var ensemble in current.Ensembles.Values.Where(e => string.IsNullOrEmpty(request.Ensemble) || e.Name == request.Ensemble))
        {
            response.Ensembles.Add(StatisticsMapper.ToMessage(ensemble, statistics, endpoints));
        }

        return Task.FromResult(response);
    }

    public override Task<SetTrafficSplitResponse> SetTrafficSplit(SetTrafficSplitRequest request, ServerCallContext context)
    {
        AdminAuthorization.Demand(context, config.Current.AdminToken);
        var errors = config.TrySetTrafficSplit(request.Ensemble, request.Weights);
        if (errors.Count > 0)
        {
            var code = config.Current.Ensembles.ContainsKey(request.Ensemble) ? StatusCode.InvalidArgument : StatusCode.NotFound;
            throw new RpcException(new Status(code, string.Join(" ", errors)));
        }

        var current = config.Current;
        var response = new SetTrafficSplitResponse { Version = current.Version };
        foreach (var arm in current.Ensembles[request.Ensemble].Arms)
        {
            response.Weights[arm.Name] = arm.Weight;
        }

        Log.SplitSet(logger, request.Ensemble, context.Peer);
        return Task.FromResult(response);
    }

    public override Task<SubmitFeedbackResponse> SubmitFeedback(SubmitFeedbackRequest request, ServerCallContext context)
    {
        var entry = ledger.Find(request.RequestId)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"request '{request.RequestId}' is unknown or already forgotten (the router keeps the most recent {RequestLedger.DefaultCapacity} by default)."));
        if (request.Labels.Count != entry.Predictions.Length)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"request '{request.RequestId}' had {entry.Predictions.Length} row(s); got {request.Labels.Count} label(s)."));
        }

        if (request.Labels.Any(l => l < 0 || l >= OutputValidator.Classes))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"labels must be in 0..{OutputValidator.Classes - 1}."));
        }

        if (!ledger.TryMarkScored(request.RequestId))
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, $"feedback for request '{request.RequestId}' was already submitted."));
        }

        int correct = 0;
        for (int i = 0; i < entry.Predictions.Length; i++)
        {
            if (entry.Predictions[i] == request.Labels[i])
            {
                correct++;
            }
        }

        // Admin path, not inference: a synchronous write keeps the totals across a restart.
        store.AddFeedback(entry.Ensemble, entry.Arm, entry.Predictions.Length, correct);
        var counters = statistics.Arm(entry.Ensemble, entry.Arm);
        counters.RecordFeedback(entry.Predictions.Length, correct);
        return Task.FromResult(new SubmitFeedbackResponse
        {
            Ensemble = entry.Ensemble,
            Arm = entry.Arm,
            Correct = (uint)correct,
            Total = (uint)entry.Predictions.Length,
            ArmOnlineAccuracy = counters.OnlineAccuracy,
        });
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 700, EventName = "AdminSplitSet", Level = LogLevel.Information, Message = "Traffic split of '{Ensemble}' set by admin client {Peer}.")]
        public static partial void SplitSet(ILogger logger, string ensemble, string peer);
    }
}
