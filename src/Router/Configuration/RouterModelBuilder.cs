using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Repository;

namespace EnsembleGrpc.Router.Configuration;

/// <summary>
/// Turns a <see cref="RoutingConfig"/> into a <see cref="RouterModel"/>: validates it, applies defaults, reads
/// validation metrics from the model repository, and asks each arm's strategy to prepare its parameters (which
/// knows nothing here of any one strategy). Every problem is collected; a model is returned only when there are none.
/// </summary>
public sealed class RouterModelBuilder(RoutingConfigValidator validator, AggregationStrategies strategies)
{
    public RouterModel? Build(RoutingConfig config, string baseDirectory, string source, long version, DateTimeOffset now, out IReadOnlyList<string> errors)
    {
        var all = new List<string>(validator.Validate(config));
        if (all.Count > 0)
        {
            errors = all;
            return null;
        }

        string repository = Path.GetFullPath(Path.Combine(baseDirectory, config.ModelRepository ?? RoutingDefaults.ModelRepository));
        var ensembles = new Dictionary<string, EnsembleModel>(StringComparer.Ordinal);
        for (int e = 0; e < config.Ensembles!.Count; e++)
        {
            var ensemble = BuildEnsemble(config.Ensembles[e], $"ensembles[{e}]", repository, all);
            ensembles[ensemble.Name] = ensemble;
        }

        errors = all;
        if (all.Count > 0)
        {
            return null;
        }

        string? token = Environment.GetEnvironmentVariable(RoutingDefaults.AdminTokenEnvironmentVariable);
        return new RouterModel
        {
            Config = config,
            Version = version,
            Source = source,
            LoadedAt = now,
            AdminToken = string.IsNullOrEmpty(token) ? config.AdminToken : token,
            Ensembles = ensembles,
        };
    }

    private EnsembleModel BuildEnsemble(EnsembleConfig config, string path, string repository, List<string> errors)
    {
        var members = new List<MemberModel>();
        var limits = new List<(string Member, int MaxBatchSize)>();
        foreach (var (member, m) in config.Members!.Select((x, i) => (x, i)))
        {
            // Missing metrics are only an error for the strategies that need them (they say so when preparing); a member
            // without a readable config has no known batch limit (its workers still check theirs).
            var info = ModelRepositoryReader.TryRead(repository, member.Model ?? member.Name!, out _);
            double? validationError = member.ValidationError ?? info?.ValidationError;
            double? validationAccuracy = member.ValidationAccuracy ?? info?.ValidationAccuracy;
            if (info?.MaxBatchSize is { } memberLimit)
            {
                limits.Add((member.Name!, memberLimit));
            }

            members.Add(new MemberModel
            {
                Name = member.Name!,
                Model = member.Model ?? member.Name!,
                Version = member.Version ?? "",
                Endpoints = member.Endpoints!.Select(a => a.TrimEnd('/')).ToArray(),
                ValidationError = validationError,
                ValidationAccuracy = validationAccuracy,
            });
        }

        var arms = new List<ArmModel>();
        for (int a = 0; a < config.Arms!.Count; a++)
        {
            arms.Add(BuildArm(config.Arms[a], $"{path}.arms[{a}]", members, repository, errors));
        }

        var breaker = config.Breaker;
        ShadowModel? shadow = null;
        if (config.Shadow is { } s)
        {
            shadow = new ShadowModel
            {
                Arm = arms.First(x => x.Name == s.Arm),
                SamplePercent = s.SamplePercent ?? RoutingDefaults.ShadowSamplePercent,
                QueueCapacity = s.QueueCapacity ?? RoutingDefaults.ShadowQueueCapacity,
                Concurrency = s.Concurrency ?? RoutingDefaults.ShadowConcurrency,
            };
        }

        return new EnsembleModel
        {
            Name = config.Name!,
            Members = members,
            Arms = arms,
            Shadow = shadow,
            Quorum = config.Quorum ?? RoutingDefaults.Quorum,
            RevealArm = config.RevealArm ?? RoutingDefaults.RevealArm,
            MaxBatchSize = MaxBatchSize(config.MaxBatchSize, limits, path, errors),
            Timeout = TimeSpan.FromMilliseconds(config.TimeoutMs ?? RoutingDefaults.TimeoutMs),
            PartialAfter = config.PartialAfterMs is { } partial ? TimeSpan.FromMilliseconds(partial) : null,
            Breaker = new BreakerModel
            {
                FailureRatio = breaker?.FailureRatio ?? RoutingDefaults.FailureRatio,
                MinimumThroughput = breaker?.MinimumThroughput ?? RoutingDefaults.MinimumThroughput,
                SamplingDuration = TimeSpan.FromMilliseconds(breaker?.SamplingDurationMs ?? RoutingDefaults.SamplingDurationMs),
                BreakDuration = TimeSpan.FromMilliseconds(breaker?.BreakDurationMs ?? RoutingDefaults.BreakDurationMs),
            },
        };
    }

    /// <summary>
    /// The ensemble's batch limit: no larger than any member model's max_batch_size, because whichever arm a request
    /// is routed to (by weight, unknown to the client) must be able to run it, and a batch a member rejects would
    /// fail the whole request. Left out, it is the smallest member limit (at most the default); given larger than a
    /// member's limit, the configuration is rejected: it promises clients batches the workers refuse.
    /// </summary>
    private static int MaxBatchSize(int? configured, List<(string Member, int MaxBatchSize)> limits, string path, List<string> errors)
    {
        if (limits.Count == 0)
        {
            return configured ?? RoutingDefaults.MaxBatchSize;
        }

        var smallest = limits.MinBy(l => l.MaxBatchSize);
        if (configured is { } given && given > smallest.MaxBatchSize)
        {
            errors.Add($"{path}.max_batch_size: {given} exceeds the max_batch_size {smallest.MaxBatchSize} of member '{smallest.Member}' " +
                       $"(its config.json in the model repository); use at most {smallest.MaxBatchSize}, or leave it out to use the smallest member limit.");
        }

        return Math.Min(configured ?? RoutingDefaults.MaxBatchSize, smallest.MaxBatchSize);
    }

    private ArmModel BuildArm(ArmConfig config, string path, List<MemberModel> ensembleMembers, string repository, List<string> errors)
    {
        var members = config.Members is null
            ? ensembleMembers
            : config.Members.Select(n => ensembleMembers.First(m => m.Name == n)).ToList();
        var arm = new ArmModel { Name = config.Name!, Strategy = config.Strategy!.ToLowerInvariant(), Weight = config.Weight ?? RoutingDefaults.Weight, Members = members };
        if (!strategies.TryGet(arm.Strategy, out var strategy))
        {
            // The validator already rejected the name; this only guards a registry that changed in between.
            errors.Add($"{path}.strategy: '{config.Strategy}' is not registered.");
            return arm;
        }

        var context = new StrategyContext { Path = path, Members = members, Parameters = config.Parameters, ModelRepository = repository };
        StrategyPreparation preparation;
        try
        {
            preparation = strategy.Prepare(context);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A strategy reports problems as values; one that throws must not take a reload (or the router) down.
            errors.Add($"{path}: {strategy.Name} could not prepare the arm: {ex.Message}");
            return arm;
        }

        errors.AddRange(preparation.Errors);
        return arm with { Strategy = strategy.Name, Parameters = preparation.Parameters };
    }
}
