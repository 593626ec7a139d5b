using System.Collections.Concurrent;
using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;
using EnsembleGrpc.Router.Workers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Router.Resilience;

/// <summary>How one endpoint's warm-up ended.</summary>
public enum WarmupOutcome
{
    /// <summary>Every warm-up call answered.</summary>
    Ready,

    /// <summary>No connection, or no answer within the warm-up bound.</summary>
    Unreachable,

    /// <summary>The worker answered, but with an error (or an unusable output).</summary>
    Failed,
}

/// <summary>The warm-up of one endpoint for one model.</summary>
public sealed record WarmupResult(string Endpoint, string Model, string Version, WarmupOutcome Outcome, int Calls, TimeSpan Elapsed, string? Reason);

/// <summary>
/// Warms every member endpoint before the router listens: opens the connection and sends real ModelInfer calls
/// (zeros, batch 1) so that the worker's and the router's first-call costs (JIT of the gRPC, protobuf and batching
/// paths, HTTP/2 connection setup) are not paid by the first client request, which would otherwise run into the
/// member timeout. A hosted service: in WebApplication its <see cref="StartAsync"/> finishes before Kestrel starts
/// listening. Endpoints warm up in parallel, each bounded by <see cref="WarmupSettings.Timeout"/>, so an unreachable
/// or hung worker delays startup by at most that; it is logged and left to its breaker and the fallback. Endpoints a
/// reload adds are warmed right after the reload (in the background: the router is already serving). The calls go
/// straight to the <see cref="IWorkerClient"/>, around the resilience pipelines: they count in no statistics and in
/// no breaker.
/// </summary>
public sealed partial class EndpointWarmup(
    RoutingConfigProvider config,
    IWorkerClient client,
    WarmupSettings settings,
    TimeProvider timeProvider,
    ILogger<EndpointWarmup> logger) : IHostedService, IDisposable
{
    private static readonly ModelInput Zeros = new(new float[ModelInput.PixelsPerImage], 1);

    private readonly Lock _gate = new();
    private readonly HashSet<(string Endpoint, string Model, string Version)> _claimed = [];
    private readonly ConcurrentDictionary<(string Endpoint, string Model, string Version), WarmupResult> _results = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _background = [];
    private bool _subscribed;

    /// <summary>The latest warm-up result per endpoint and model.</summary>
    public IReadOnlyCollection<WarmupResult> Results => [.. _results.Values];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!settings.Enabled)
        {
            Log.Disabled(logger);
            return;
        }

        // Subscribe before claiming the current snapshot: a reload in between is then warmed, and nothing twice.
        config.Changed += OnChanged;
        _subscribed = true;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        await WarmAsync(Claim(config.Current), linked.Token).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_subscribed)
        {
            config.Changed -= OnChanged;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await WhenIdleAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown is not held up by a warm-up; its calls are cancelled anyway.
        }
    }

    /// <summary>Completes when every warm-up started by a reload so far has finished (it never faults).</summary>
    public Task WhenIdleAsync()
    {
        lock (_gate)
        {
            return Task.WhenAll(_background);
        }
    }

    public void Dispose() => _stopping.Dispose();

    /// <summary>Warms the given endpoints in parallel; each is bounded by the warm-up timeout.</summary>
    internal async Task<WarmupResult[]> WarmAsync(IReadOnlyList<(string Endpoint, MemberModel Member)> targets, CancellationToken cancellationToken)
    {
        if (targets.Count == 0)
        {
            return [];
        }

        long started = timeProvider.GetTimestamp();
        var calls = new Task<WarmupResult>[targets.Count];
        for (int i = 0; i < calls.Length; i++)
        {
            calls[i] = WarmOneAsync(targets[i].Endpoint, targets[i].Member, cancellationToken);
        }

        var results = await Task.WhenAll(calls).ConfigureAwait(false);
        int ready = results.Count(r => r.Outcome == WarmupOutcome.Ready);
        Log.Finished(logger, results.Length, Milliseconds(timeProvider.GetElapsedTime(started)), ready, results.Length - ready);
        return results;
    }

    private async Task<WarmupResult> WarmOneAsync(string endpoint, MemberModel member, CancellationToken cancellationToken)
    {
        // Yield first, so that the caller starts every endpoint's warm-up before any of them runs.
        await Task.Yield();
        using var budget = new CancellationTokenSource(settings.Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(budget.Token, cancellationToken);
        long started = timeProvider.GetTimestamp();
        int answered = 0;
        WarmupResult result;
        try
        {
            // The first call alone pays for the connection and the JIT; the rest go at once, so that they spread
            // over the channel's connections (round-robin) and open every one of them.
            var failed = await CallAsync(endpoint, member, started, linked.Token).ConfigureAwait(false);
            if (failed is null)
            {
                answered = 1;
                var rest = new Task<WorkerReply?>[settings.Calls - 1];
                for (int i = 0; i < rest.Length; i++)
                {
                    rest[i] = CallAsync(endpoint, member, started, linked.Token);
                }

                var replies = await Task.WhenAll(rest).ConfigureAwait(false);
                failed = replies.FirstOrDefault(r => r is not null);
                answered += replies.Count(r => r is null);
            }

            result = failed is null
                ? Ready()
                : Verdict(failed, budget.IsCancellationRequested || timeProvider.GetElapsedTime(started) >= settings.Timeout);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host is stopping (or its start was cancelled): no verdict on the worker.
            throw new OperationCanceledException(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The budget ran out while the client ignored its token (WaitAsync gave up on it).
            result = Verdict(WorkerReply.Failed(MemberFailureKind.Timeout, "no answer"), budgetSpent: true);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            // Stopping while the calls failed: their failure says nothing about the worker.
            throw new OperationCanceledException(cancellationToken);
        }

        _results[(endpoint, member.Model, member.Version)] = result;
        return result;

        WarmupResult Result(WarmupOutcome outcome, string? reason) =>
            new(endpoint, member.Model, member.Version, outcome, answered, timeProvider.GetElapsedTime(started), reason);

        WarmupResult Ready()
        {
            var ready = Result(WarmupOutcome.Ready, null);
            Log.Ready(logger, endpoint, member.Model, answered, Milliseconds(ready.Elapsed));
            return ready;
        }

        WarmupResult Verdict(WorkerReply failed, bool budgetSpent)
        {
            // Which bound ran out is read from the clock, not from which failure won the race: the budget's timer
            // and the call's deadline (the budget plus the client's slack) may fire in either order on a loaded machine.
            var (outcome, reason) = Explain(failed, budgetSpent, settings.Timeout);
            var verdict = Result(outcome, reason);
            if (outcome == WarmupOutcome.Unreachable)
            {
                Log.Unreachable(logger, endpoint, member.Model, reason, Milliseconds(verdict.Elapsed));
            }
            else
            {
                Log.Failed(logger, endpoint, member.Model, reason);
            }

            return verdict;
        }
    }

    /// <summary>One call, bounded by what is left of the budget even when the client ignores its token; null when it answered.</summary>
    private async Task<WorkerReply?> CallAsync(string endpoint, MemberModel member, long started, CancellationToken cancellationToken)
    {
        var left = settings.Timeout - timeProvider.GetElapsedTime(started);
        var reply = await client.InferAsync(endpoint, member, Zeros, left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1), cancellationToken)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return reply.Succeeded ? null : reply;
    }

    internal static (WarmupOutcome Outcome, string Reason) Explain(WorkerReply failed, bool budgetSpent, TimeSpan timeout) => failed switch
    {
        // The call's only deadline is derived from the budget, so a timeout or a cancellation is the budget running out.
        _ when budgetSpent => (WarmupOutcome.Unreachable, $"no answer within {Milliseconds(timeout)} ms"),
        { Failure: MemberFailureKind.Timeout or MemberFailureKind.Cancelled } => (WarmupOutcome.Unreachable, $"no answer within {Milliseconds(timeout)} ms"),
        // No connection (refused, reset, name not resolved): the worker client names the socket error.
        { Unreachable: true } => (WarmupOutcome.Unreachable, failed.Error ?? "no connection"),
        { Failure: MemberFailureKind.InvalidOutput } => (WarmupOutcome.Failed, $"invalid output: {failed.Error}"),
        // Anything else is the worker's answer: it is reachable, but does not serve the model (yet).
        _ => (WarmupOutcome.Failed, failed.Error ?? failed.Failure.ToKey()),
    };

    private static long Milliseconds(TimeSpan span) => (long)Math.Round(span.TotalMilliseconds);

    /// <summary>The endpoint/model pairs of <paramref name="model"/> not warmed yet, now marked as taken.</summary>
    private List<(string Endpoint, MemberModel Member)> Claim(RouterModel model)
    {
        var targets = new List<(string, MemberModel)>();
        lock (_gate)
        {
            foreach (var member in model.Ensembles.Values.SelectMany(e => e.Members))
            {
                foreach (var endpoint in member.Endpoints)
                {
                    if (_claimed.Add((endpoint, member.Model, member.Version)))
                    {
                        targets.Add((endpoint, member));
                    }
                }
            }
        }

        return targets;
    }

    private void OnChanged(RouterModel model)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        var targets = Claim(model);
        if (targets.Count == 0)
        {
            return;
        }

        Log.WarmingAdded(logger, targets.Count, model.Version);
        var token = _stopping.Token;
        lock (_gate)
        {
            _background.RemoveAll(t => t.IsCompleted);
            _background.Add(Task.Run(async () =>
            {
                try
                {
                    await WarmAsync(targets, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    // Stopping.
                }
            }, CancellationToken.None));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 310, EventName = "WorkerWarm", Level = LogLevel.Information, Message = "Worker {Endpoint} ({Model}) is ready: {Calls} warm-up call(s) answered in {ElapsedMs} ms.")]
        public static partial void Ready(ILogger logger, string endpoint, string model, int calls, long elapsedMs);

        [LoggerMessage(EventId = 311, EventName = "WorkerUnreachable", Level = LogLevel.Warning, Message = "Worker {Endpoint} ({Model}) is unreachable: {Reason} (after {ElapsedMs} ms). The router starts without it; its circuit breaker and the fallback handle it.")]
        public static partial void Unreachable(ILogger logger, string endpoint, string model, string reason, long elapsedMs);

        [LoggerMessage(EventId = 312, EventName = "WorkerWarmupFailed", Level = LogLevel.Warning, Message = "Worker {Endpoint} ({Model}) answered the warm-up with an error: {Reason}. The router starts anyway; its circuit breaker and the fallback handle it.")]
        public static partial void Failed(ILogger logger, string endpoint, string model, string reason);

        [LoggerMessage(EventId = 313, EventName = "WarmupFinished", Level = LogLevel.Information, Message = "Warm-up of {Count} worker endpoint(s) finished in {ElapsedMs} ms: {Ready} ready, {NotReady} not.")]
        public static partial void Finished(ILogger logger, int count, long elapsedMs, int ready, int notReady);

        [LoggerMessage(EventId = 314, EventName = "WarmingAddedEndpoints", Level = LogLevel.Information, Message = "Warming up {Count} worker endpoint(s) added by configuration version {Version}.")]
        public static partial void WarmingAdded(ILogger logger, int count, long version);

        [LoggerMessage(EventId = 315, EventName = "WarmupDisabled", Level = LogLevel.Information, Message = "Warm-up of worker endpoints is off (--warmup false): the first requests pay for connections and JIT.")]
        public static partial void Disabled(ILogger logger);
    }
}
