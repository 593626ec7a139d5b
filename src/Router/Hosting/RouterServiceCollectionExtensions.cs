using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Engine;
using EnsembleGrpc.Router.Engine.Admission;
using EnsembleGrpc.Router.Ensemble.Batching;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Ensemble.Strategies.Bagging;
using EnsembleGrpc.Router.Ensemble.Strategies.Best;
using EnsembleGrpc.Router.Ensemble.Strategies.Boosting;
using EnsembleGrpc.Router.Ensemble.Strategies.Stacking;
using EnsembleGrpc.Router.Ensemble.Strategies.Vote;
using EnsembleGrpc.Router.Experiments;
using EnsembleGrpc.Router.Frontend;
using EnsembleGrpc.Router.Frontend.Security;
using EnsembleGrpc.Router.Observability;
using EnsembleGrpc.Router.Preprocessing;
using EnsembleGrpc.Router.Resilience;
using EnsembleGrpc.Router.Resilience.Ejection;
using EnsembleGrpc.Router.Rollouts;
using EnsembleGrpc.Router.Rollouts.Bandit;
using EnsembleGrpc.Router.Rollouts.Persistence;
using EnsembleGrpc.Router.Rollouts.Replicas;
using EnsembleGrpc.Router.Traffic;
using EnsembleGrpc.Router.Traffic.Assignment;
using EnsembleGrpc.Router.Traffic.Feedback;
using EnsembleGrpc.Router.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Hosting;

/// <summary>
/// One registration per concept. Everything is a singleton (per-request state lives on the stack). TimeProvider and
/// Random are only added when absent, so a test registers its own first. The default Random is Random.Shared, which
/// is thread-safe; an injected one must be too when requests run concurrently.
/// </summary>
public static class RouterServiceCollectionExtensions
{
    public static IServiceCollection AddRouterConfiguration(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RoutingConfigValidator>();
        services.TryAddSingleton<RouterModelBuilder>();
        services.TryAddSingleton(sp => new RoutingConfigProvider(
            sp.GetRequiredService<IOptions<RouterOptions>>().Value.Config,
            sp.GetRequiredService<RouterModelBuilder>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RoutingConfigProvider>>()));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<IOptions<RouterOptions>>().Value.Watch
            ? new ConfigFileWatcher(sp.GetRequiredService<RoutingConfigProvider>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ConfigFileWatcher>>())
            : new NoOpHostedService());
        return services;
    }

    /// <summary>
    /// The experiment store (<see cref="RouterOptions.State"/>) and the statistics with the stored feedback totals
    /// restored. Call before <see cref="AddRouterConfiguration"/> and <see cref="AddTraffic"/>.
    /// </summary>
    public static IServiceCollection AddExperiments(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IExperimentStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RouterOptions>>().Value;
            string state = ExperimentStatePaths.Resolve(options.State, options.Config);
            if (PostgresDatabase.IsConnectionString(state))
            {
                return new PostgresExperimentStore(sp.GetRequiredService<PostgresDatabase>());
            }

            return string.Equals(state, ExperimentStatePaths.Disabled, StringComparison.OrdinalIgnoreCase)
                ? NullExperimentStore.Instance
                : ExperimentStateOpener.Open(state, sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ExperimentStateOpener)), sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton<IFeedbackRelay>(sp => sp.GetRequiredService<IExperimentStore>() is PostgresExperimentStore
            ? new PostgresFeedbackRelay(sp.GetRequiredService<PostgresDatabase>())
            : NoFeedbackRelay.Instance);
        // Resolved only when --state names a PostgreSQL database; one connection pool for both stores.
        services.TryAddSingleton(sp => PostgresDatabase.Open(sp.GetRequiredService<IOptions<RouterOptions>>().Value.State!));
        services.TryAddSingleton(sp =>
        {
            var statistics = new TrafficStatistics();
            foreach (var feedback in sp.GetRequiredService<IExperimentStore>().LoadFeedback())
            {
                statistics.Arm(feedback.Ensemble, feedback.Arm).RestoreFeedback(feedback.Rows, feedback.Correct);
            }

            return statistics;
        });
        return services;
    }

    public static IServiceCollection AddEnsembles(this IServiceCollection services)
    {
        services.TryAddSingleton(Random.Shared);
        services.TryAddSingleton<IMetaModelLoader, OnnxMetaModelLoader>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAggregationStrategy, BaggingStrategy>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAggregationStrategy, BoostingStrategy>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAggregationStrategy, StackingStrategy>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAggregationStrategy, VoteStrategy>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAggregationStrategy, BestStrategy>());
        services.TryAddSingleton<AggregationStrategies>();
        services.TryAddSingleton<FanOutExecutor>();
        services.TryAddSingleton<EnsembleExecutor>();
        services.TryAddSingleton<ImagePreprocessor>();
        return services;
    }

    public static IServiceCollection AddRouterResilience(this IServiceCollection services)
    {
        services.AddOptions<WorkerClientOptions>();
        services.AddOptions<MemberBatchingOptions>().BindConfiguration(MemberBatchingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EjectionOptions>().BindConfiguration(EjectionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<EndpointRegistry>();
        services.TryAddSingleton<RouterTransportSecurity>();
        services.TryAddSingleton(sp => sp.GetRequiredService<RouterTransportSecurity>().Workers);
        services.TryAddSingleton<OutlierDetector>();
        services.TryAddSingleton<IWorkerClient, GrpcWorkerClient>();
        services.TryAddSingleton<ResilientMemberInvoker>();
        // Micro-batching in front of the resilient calls: one worker call carries every request waiting for it.
        services.TryAddSingleton<IMemberInvoker>(sp => new BatchingMemberInvoker(
            sp.GetRequiredService<ResilientMemberInvoker>(), sp.GetRequiredService<IOptions<MemberBatchingOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RouterOptions>>().Value;
            return new WarmupSettings(options.Warmup, TimeSpan.FromMilliseconds(options.WarmupTimeoutMs), options.WarmupCalls);
        });
        // Registered before the web host's own hosted service (WebApplication adds that last), so the warm-up
        // finishes before Kestrel listens: a router that accepts connections has warm members.
        services.TryAddSingleton<EndpointWarmup>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<EndpointWarmup>());
        return services;
    }

    public static IServiceCollection AddTraffic(this IServiceCollection services)
    {
        services.TryAddSingleton<TrafficStatistics>();
        services.TryAddSingleton(sp => new RequestLedger(sp.GetRequiredService<IOptions<RouterOptions>>().Value.LedgerCapacity));
        services.TryAddSingleton(Random.Shared);
        services.TryAddSingleton<TrafficSplitState>();
        services.TryAddSingleton<ITrafficAssignment, WeightedSplitAssignment>();
        services.TryAddSingleton<FeedbackScorer>();
        services.AddOptions<FeedbackRelayOptions>().BindConfiguration(FeedbackRelayOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<FeedbackRelayPump>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<FeedbackRelayPump>());
        services.TryAddSingleton<ShadowDispatcher>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ShadowDispatcher>());
        services.TryAddSingleton<TrafficRouter>();
        return services;
    }

    /// <summary>
    /// The canary rollouts: their store (tables in the experiment-state file or PostgreSQL database, or memory only with
    /// <c>--state none</c>), the follower that shares them with other replicas on PostgreSQL,
    /// the controller (built at start, so that stored rollouts resume and the file's canaries start before traffic)
    /// and its ticker. Call after <see cref="AddExperiments"/> and <see cref="AddTraffic"/>.
    /// </summary>
    public static IServiceCollection AddRollouts(this IServiceCollection services)
    {
        services.AddOptions<RolloutOptions>().BindConfiguration(RolloutOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<IRolloutStore>(sp =>
        {
            if (sp.GetRequiredService<IExperimentStore>() is NullExperimentStore)
            {
                return new NullRolloutStore();
            }

            if (sp.GetRequiredService<IExperimentStore>() is PostgresExperimentStore)
            {
                return new PostgresRolloutStore(sp.GetRequiredService<PostgresDatabase>(), PostgresRolloutStore.NewReplicaName());
            }

            var options = sp.GetRequiredService<IOptions<RouterOptions>>().Value;
            return new SqliteRolloutStore(ExperimentStatePaths.Resolve(options.State, options.Config));
        });
        services.TryAddSingleton<CounterReader>();
        services.TryAddSingleton<RolloutController>();
        services.TryAddSingleton<RolloutInstruments>();
        services.TryAddSingleton<BanditController>();
        services.AddHostedService<RolloutTicker>();
        services.AddHostedService<ReplicaFollower>();
        return services;
    }

    /// <summary>The protocol-free entry point every front end calls.</summary>
    public static IServiceCollection AddRouterEngine(this IServiceCollection services)
    {
        services.AddOptions<AdmissionOptions>().BindConfiguration(AdmissionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<AdmissionController>();
        services.TryAddSingleton<RouterEngine>();
        return services;
    }

    /// <summary>The gRPC services, the admin guard (<see cref="AdminSecurityOptions"/>, checked at start) and the listeners.</summary>
    public static IServiceCollection AddRouterFrontend(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<AdminSecurityOptions>().BindConfiguration(AdminSecurityOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<FailedAttemptLimiter>();
        services.TryAddSingleton<AdminGuard>();
        services.TryAddSingleton<AdminAuthorization>();
        services.TryAddSingleton<RouterTransportSecurity>();
        services.TryAddSingleton<RouterListeners>();
        services.TryAddSingleton<RouterInferenceService>();
        services.TryAddSingleton<RouterAdminService>();
        return services;
    }

    private sealed class NoOpHostedService : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
