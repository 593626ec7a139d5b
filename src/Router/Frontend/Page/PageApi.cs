using System.Text.Json;
using EnsembleGrpc.Hosting.Rest;
using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Engine;
using EnsembleGrpc.Router.Frontend.Page.Contracts;
using EnsembleGrpc.Router.Frontend.Rest;
using EnsembleGrpc.Router.Frontend.Security;
using EnsembleGrpc.Router.Resilience;
using EnsembleGrpc.Router.Rollouts;
using EnsembleGrpc.Router.Traffic;
using EnsembleGrpc.Router.Traffic.Assignment;
using EnsembleGrpc.Router.Traffic.Feedback;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Frontend.Page;

/// <summary>
/// The small JSON endpoints the page and the dashboard need beside the protocol's REST binding: what to offer, an
/// infer that shows every member's answer, a statistics snapshot and feedback. Like the other front ends it only
/// translates: inference goes through <see cref="RouterEngine"/> (the REST body read as <see cref="RouterRestApi"/>
/// reads it, errors as <see cref="RestStatus"/> maps them), feedback through <see cref="FeedbackScorer"/>, and both
/// admin calls through <see cref="AdminGuard"/> with the rules of RouterAdmin (statistics a read, feedback a write).
/// </summary>
public sealed partial class PageApi(
    RouterEngine engine,
    RoutingConfigProvider config,
    TrafficSplitState splits,
    TrafficStatistics statistics,
    EndpointRegistry endpoints,
    FeedbackScorer feedback,
    RolloutController rollouts,
    AdminGuard guard,
    IOptions<PageOptions> options,
    TimeProvider time,
    ILogger<PageApi> logger)
{
    public Task ModelsAsync(HttpContext context)
    {
        var current = config.Current;
        var models = current.Ensembles.Values.Select(e => new PageModelInfo(
            e.Name, [.. e.Arms.Select(a => a.Strategy).Distinct()], [.. e.Members.Select(m => m.Name)], e.MaxBatchSize)).ToList();
        var list = new PageModelList(options.Value.PollIntervalMs, guard.ReadsProtected, !string.IsNullOrEmpty(current.AdminToken), models);
        return RestHttp.WriteJsonAsync(context.Response, list, PageJsonContext.Default.PageModelList);
    }

    public async Task InferAsync(HttpContext context)
    {
        long arrival = time.GetTimestamp();
        string name = (string?)context.Request.RouteValues["name"] ?? "";
        InferenceOutcome? outcome = null;
        try
        {
            var body = await RestHttp.ReadBodyAsync(context.Request).ConfigureAwait(false);
            var request = RouterRestApi.ToEngineRequest(context, body, name, "", arrival, out _, out _);
            outcome = await engine.InferAsync(request, context.RequestAborted).ConfigureAwait(false);
            if (!outcome.Answered)
            {
                await RestStatus.WriteAsync(context.Response, outcome).ConfigureAwait(false);
                return;
            }

            var answer = PageAnswers.From(outcome, time.GetElapsedTime(arrival).TotalMilliseconds);
            engine.RecordAnswered(outcome, arrival, arrival, time.GetTimestamp());
            await RestHttp.WriteJsonAsync(context.Response, answer, PageJsonContext.Default.PageAnswer).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex)
        {
            await RestHttp.WriteErrorAsync(context.Response, ex.StatusCode, "the request body could not be read: " + ex.Message).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody to answer.
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (outcome is not null)
            {
                engine.RecordFailure(outcome, arrival);
            }

            Log.Unexpected(logger, context.Request.Path, ex);
            if (!context.Response.HasStarted)
            {
                await RestHttp.WriteErrorAsync(context.Response, StatusCodes.Status500InternalServerError, "internal error in the router; see its log").ConfigureAwait(false);
            }
        }
    }

    /// <summary>A read, as GetStatistics: open unless <c>--admin-protect-reads</c>; refused to a locked-out address.</summary>
    public async Task StatisticsAsync(HttpContext context)
    {
        if (!await PageAdminStatus.DemandAsync(guard, AdminAccess.Read, context, config.Current.AdminToken).ConfigureAwait(false))
        {
            return;
        }

        var snapshot = PageStatisticsBuilder.Build(splits.View(), statistics, endpoints, time.GetUtcNow().ToUnixTimeMilliseconds(), rollouts.Get);
        await RestHttp.WriteJsonAsync(context.Response, snapshot, PageJsonContext.Default.PageStatistics).ConfigureAwait(false);
    }

    /// <summary>A write, as SubmitFeedback: the admin token is required (it changes the counts the A/B accuracy reads).</summary>
    public async Task FeedbackAsync(HttpContext context)
    {
        if (!await PageAdminStatus.DemandAsync(guard, AdminAccess.Write, context, config.Current.AdminToken).ConfigureAwait(false))
        {
            return;
        }

        var request = await ReadFeedbackAsync(context).ConfigureAwait(false);
        if (request is not { RequestId: { Length: > 0 } id, Labels: { Count: > 0 } labels })
        {
            await RestHttp.WriteErrorAsync(context.Response, StatusCodes.Status400BadRequest,
                "the body must be JSON {\"request_id\": \"<id of an answered request>\", \"labels\": [<0..9, one per row>]}.").ConfigureAwait(false);
            return;
        }

        var outcome = feedback.Score(id, labels);
        if (!outcome.Succeeded)
        {
            await RestHttp.WriteErrorAsync(context.Response, StatusOf(outcome.Error), outcome.Message).ConfigureAwait(false);
            return;
        }

        var answer = new PageFeedbackAnswer(outcome.Ensemble, outcome.Arm, outcome.Correct, outcome.Total, outcome.ArmOnlineAccuracy, outcome.Forwarded);
        await RestHttp.WriteJsonAsync(context.Response, answer, PageJsonContext.Default.PageFeedbackAnswer).ConfigureAwait(false);
    }

    /// <summary>The same statuses as RouterAdmin's (<see cref="RouterAdminService.ToStatusCode(FeedbackError)"/>), in HTTP.</summary>
    internal static int StatusOf(FeedbackError error) => error switch
    {
        FeedbackError.UnknownRequest => StatusCodes.Status404NotFound,
        FeedbackError.WrongLabelCount or FeedbackError.LabelOutOfRange => StatusCodes.Status400BadRequest,
        FeedbackError.AlreadyScored => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status500InternalServerError,
    };

    private static async Task<PageFeedbackRequest?> ReadFeedbackAsync(HttpContext context)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(context.Request.Body, PageJsonContext.Default.PageFeedbackRequest, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 641, EventName = "UnexpectedPageError", Level = LogLevel.Error, Message = "Unexpected error in the page's {Path}; answered 500.")]
        public static partial void Unexpected(ILogger logger, string path, Exception exception);
    }
}
