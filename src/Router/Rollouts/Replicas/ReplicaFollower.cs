using EnsembleGrpc.Router.Traffic.Assignment;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Rollouts.Replicas;

/// <summary>
/// Drives <see cref="RolloutController.Follow"/> every <see cref="RolloutOptions.FollowMs"/> when the rollouts are
/// shared with other replicas (does nothing otherwise): the lease is renewed, and a decision taken by another replica
/// reaches this one's split within that delay, as do the splits other replicas stored (an operator's SetTrafficSplit,
/// the bandit's shares: <see cref="TrafficSplitState.Refresh"/>). The first follow runs at start, so a lone replica
/// decides at once.
/// </summary>
public sealed partial class ReplicaFollower(
    RolloutController controller, TrafficSplitState splits, IOptions<RolloutOptions> options, TimeProvider time, ILogger<ReplicaFollower> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!controller.Replicated)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.FollowMs), time);
        try
        {
            do
            {
                try
                {
                    controller.Follow();
                    splits.Refresh();
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    Log.FollowFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 916, EventName = "ReplicaFollowFailed", Level = LogLevel.Error, Message = "A replica follow step failed; the next one tries again.")]
        public static partial void FollowFailed(ILogger logger, Exception exception);
    }
}
