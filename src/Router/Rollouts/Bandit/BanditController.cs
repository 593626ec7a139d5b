using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Experiments;
using EnsembleGrpc.Router.Rollouts.Statistics;
using EnsembleGrpc.Router.Traffic;
using EnsembleGrpc.Router.Traffic.Assignment;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Router.Rollouts.Bandit;

/// <summary>
/// Bandit mode: at each tick, every ensemble with a <c>bandit</c> block gets new Thompson-sampling shares
/// (<see cref="ThompsonShares"/>) from its arms' feedback totals (kept in the experiment store), written as the
/// ensemble's runtime split in basis points. The split is what the weighted assignment routes by and what the store
/// keeps, so a restart resumes from the last shares, with the same sticky-key behaviour as any split. Among replicas
/// sharing a store only the rollouts' decider (the lease holder) moves the shares, on every replica's feedback (the
/// store's totals), and the others take the stored split when they follow.
/// </summary>
public sealed partial class BanditController(
    RoutingConfigProvider config, TrafficSplitState splits, TrafficStatistics statistics, RolloutController rollouts, IExperimentStore store,
    Random random, ILogger<BanditController> logger)
{
    private const int Scale = 10_000;

    public void Tick()
    {
        if (rollouts.Replicated && rollouts.Lease is null)
        {
            return;
        }

        // One replica's counters see only the feedback it scored; the shared store's totals are every replica's.
        var shared = rollouts.Replicated
            ? store.LoadFeedback().ToDictionary(f => (f.Ensemble, f.Arm), f => new BinomialCounts(f.Correct, f.Rows))
            : null;
        var current = config.Current;
        foreach (var ensembleConfig in current.Config.Ensembles ?? [])
        {
            if (ensembleConfig.Bandit is { } bandit && ensembleConfig.Name is { } name && current.Ensembles.TryGetValue(name, out var ensemble))
            {
                Update(ensemble, Options(bandit), shared);
            }
        }
    }

    private void Update(Model.EnsembleModel ensemble, ThompsonOptions options, Dictionary<(string, string), BinomialCounts>? shared)
    {
        var weights = EffectiveConfig.Weights(ensemble, splits.Table);
        double total = ensemble.Arms.Sum(a => weights[a.Name]);
        var shares = ensemble.Arms.Select(a => weights[a.Name] / total).ToArray();
        var correct = ensemble.Arms.Select(a => shared is null ? Local(ensemble.Name, a.Name) : shared.GetValueOrDefault((ensemble.Name, a.Name))).ToArray();
        var next = ThompsonShares.Next(correct, shares, options, random);
        var wanted = ensemble.Arms.Select((a, i) => (a.Name, Weight: (int)Math.Round(next[i] * Scale)))
            .ToDictionary(x => x.Name, x => x.Weight, StringComparer.Ordinal);
        if (wanted.All(w => weights[w.Key] == w.Value))
        {
            return;
        }

        var result = splits.TrySet(ensemble.Name, wanted);
        if (result.Succeeded)
        {
            Log.SharesMoved(logger, ensemble.Name, SplitRules.Describe(wanted));
        }
        else
        {
            Log.SharesNotSet(logger, ensemble.Name, result.Message);
        }
    }

    private BinomialCounts Local(string ensemble, string arm)
    {
        var counters = statistics.Arm(ensemble, arm);
        return new BinomialCounts(counters.FeedbackCorrect, counters.FeedbackRows);
    }

    private static ThompsonOptions Options(BanditConfig bandit)
    {
        var defaults = new ThompsonOptions();
        return defaults with
        {
            MinShare = bandit.MinShare ?? defaults.MinShare,
            MaxStep = bandit.MaxStep ?? defaults.MaxStep,
            MinRowsPerArm = bandit.MinRowsPerArm ?? defaults.MinRowsPerArm,
        };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 905, EventName = "BanditSharesMoved", Level = LogLevel.Information, Message = "Bandit shares of '{Ensemble}' (basis points): {Weights}.")]
        public static partial void SharesMoved(ILogger logger, string ensemble, string weights);

        [LoggerMessage(EventId = 906, EventName = "BanditSharesNotSet", Level = LogLevel.Error, Message = "Bandit shares of '{Ensemble}' could not be set: {Message}")]
        public static partial void SharesNotSet(ILogger logger, string ensemble, string message);
    }
}
