using EnsembleGrpc.Protocol.Admin;
using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Frontend.Security;
using EnsembleGrpc.Router.Resilience;
using EnsembleGrpc.Router.Rollouts;
using EnsembleGrpc.Router.Traffic;
using EnsembleGrpc.Router.Traffic.Assignment;
using EnsembleGrpc.Router.Traffic.Feedback;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Router.Frontend;

/// <summary>
/// The RouterAdmin service: read the active config and the statistics (with the weights the router routes by);
/// change the split through the <see cref="TrafficSplitState"/>; submit feedback (true labels of an answered request)
/// to the <see cref="FeedbackScorer"/>. Every call passes <see cref="AdminAuthorization"/> first (writes need the bearer
/// token). It only maps messages and outcomes to statuses.
/// </summary>
public sealed partial class RouterAdminService(
    RoutingConfigProvider config,
    TrafficSplitState splits,
    FeedbackScorer feedback,
    TrafficStatistics statistics,
    EndpointRegistry endpoints,
    AdminAuthorization authorization,
    RolloutController rollouts,
    ILogger<RouterAdminService> logger) : RouterAdmin.RouterAdminBase
{
    public override Task<GetConfigResponse> GetConfig(GetConfigRequest request, ServerCallContext context)
    {
        authorization.DemandRead(context, config.Current.AdminToken);
        var current = splits.View();
        return Task.FromResult(new GetConfigResponse
        {
            ConfigJson = RoutingConfigJson.Serialize(current.Config),
            Version = current.Version,
            Source = current.Source,
        });
    }

    public override Task<GetStatisticsResponse> GetStatistics(GetStatisticsRequest request, ServerCallContext context)
    {
        authorization.DemandRead(context, config.Current.AdminToken);
        var current = splits.View();
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
        authorization.DemandWrite(context, config.Current.AdminToken);
        var result = splits.TrySet(request.Ensemble, request.Weights);
        if (!result.Succeeded)
        {
            throw new RpcException(new Status(ToStatusCode(result.Error), result.Message));
        }

        var response = new SetTrafficSplitResponse { Version = result.Version };
        foreach (var (arm, weight) in result.Weights)
        {
            response.Weights[arm] = weight;
        }

        Log.SplitSet(logger, request.Ensemble, context.Peer);
        return Task.FromResult(response);
    }

    public override Task<SubmitFeedbackResponse> SubmitFeedback(SubmitFeedbackRequest request, ServerCallContext context)
    {
        // Feedback changes stored counts that drive the A/B accuracy: a write like the split.
        authorization.DemandWrite(context, config.Current.AdminToken);
        var outcome = feedback.Score(request.RequestId, request.Labels);
        if (!outcome.Succeeded)
        {
            throw new RpcException(new Status(ToStatusCode(outcome.Error), outcome.Message));
        }

        return Task.FromResult(new SubmitFeedbackResponse
        {
            Ensemble = outcome.Ensemble,
            Arm = outcome.Arm,
            Correct = (uint)outcome.Correct,
            Total = (uint)outcome.Total,
            ArmOnlineAccuracy = outcome.ArmOnlineAccuracy,
            Forwarded = outcome.Forwarded,
        });
    }

    public override Task<RolloutInfo> StartRollout(StartRolloutRequest request, ServerCallContext context)
    {
        authorization.DemandWrite(context, config.Current.AdminToken);
        var canary = RoutingConfigJson.TryParseCanary(request.CanaryJson, out string? error)
            ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"canary_json: {error}"));
        return Task.FromResult(Answer(rollouts.Start(request.Ensemble, canary, Operator(context))));
    }

    public override Task<RolloutInfo> GetRollout(GetRolloutRequest request, ServerCallContext context)
    {
        authorization.DemandRead(context, config.Current.AdminToken);
        var view = rollouts.Get(request.Ensemble)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"ensemble '{request.Ensemble}' has no rollout."));
        return Task.FromResult(RolloutMapper.ToMessage(view));
    }

    public override Task<RolloutInfo> ControlRollout(ControlRolloutRequest request, ServerCallContext context)
    {
        authorization.DemandWrite(context, config.Current.AdminToken);
        string by = Operator(context);
        var result = request.Action switch
        {
            RolloutAction.Pause => rollouts.Pause(request.Ensemble, by),
            RolloutAction.Resume => rollouts.Resume(request.Ensemble, by),
            RolloutAction.Abort => rollouts.Abort(request.Ensemble, by),
            RolloutAction.Promote => rollouts.Promote(request.Ensemble, by),
            _ => throw new RpcException(new Status(StatusCode.InvalidArgument, "action: pause, resume, abort or promote.")),
        };
        return Task.FromResult(Answer(result));
    }

    private static RolloutInfo Answer(RolloutCommandResult result) => result.Succeeded
        ? RolloutMapper.ToMessage(result.View!)
        : throw new RpcException(new Status(ToStatusCode(result.Error), result.Message));

    private static string Operator(ServerCallContext context) => $"admin@{CallerAddress.FromPeer(context.Peer)}";

    internal static StatusCode ToStatusCode(RolloutCommandError error) => error switch
    {
        RolloutCommandError.UnknownEnsemble => StatusCode.NotFound,
        RolloutCommandError.InvalidSpec => StatusCode.InvalidArgument,
        RolloutCommandError.AlreadyActive or RolloutCommandError.NotActive => StatusCode.FailedPrecondition,
        RolloutCommandError.NotStored => StatusCode.Unavailable,
        _ => StatusCode.Internal,
    };

    internal static StatusCode ToStatusCode(SplitChangeError error) => error switch
    {
        SplitChangeError.UnknownEnsemble => StatusCode.NotFound,
        SplitChangeError.InvalidWeights => StatusCode.InvalidArgument,
        SplitChangeError.NotStored => StatusCode.Unavailable,
        _ => StatusCode.Internal,
    };

    internal static StatusCode ToStatusCode(FeedbackError error) => error switch
    {
        FeedbackError.UnknownRequest => StatusCode.NotFound,
        FeedbackError.WrongLabelCount or FeedbackError.LabelOutOfRange => StatusCode.InvalidArgument,
        FeedbackError.AlreadyScored => StatusCode.AlreadyExists,
        _ => StatusCode.Internal,
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 700, EventName = "AdminSplitSet", Level = LogLevel.Information, Message = "Traffic split of '{Ensemble}' set by admin client {Peer}.")]
        public static partial void SplitSet(ILogger logger, string ensemble, string peer);
    }
}
