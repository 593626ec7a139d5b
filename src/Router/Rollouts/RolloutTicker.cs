using EnsembleGrpc.Router.Rollouts.Bandit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Rollouts;

/// <summary>
/// Drives <see cref="RolloutController.Tick"/> and <see cref="BanditController.Tick"/> on the injected clock; tests call
/// Tick themselves instead.
/// </summary>
public sealed partial class RolloutTicker(
    RolloutController controller, BanditController bandit, IOptions<RolloutOptions> options, TimeProvider time, ILogger<RolloutTicker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.TickMs), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    controller.Tick();
                    bandit.Tick();
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // One bad tick must not stop the rollouts; the next tick reads the counters again.
                    Log.TickFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 909, EventName = "RolloutTickFailed", Level = LogLevel.Error, Message = "A rollout tick failed; the next tick tries again.")]
        public static partial void TickFailed(ILogger logger, Exception exception);
    }
}
