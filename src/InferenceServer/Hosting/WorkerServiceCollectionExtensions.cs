using Grpc.AspNetCore.Server;
using EnsembleGrpc.InferenceServer.Execution;
using EnsembleGrpc.InferenceServer.Frontend;
using EnsembleGrpc.InferenceServer.Repository;
using EnsembleGrpc.InferenceServer.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.InferenceServer.Hosting;

/// <summary>One registration per feature, so Program stays a few lines and tests can swap any piece.</summary>
public static class WorkerServiceCollectionExtensions
{
    /// <summary>Binds <see cref="WorkerOptions"/> from section <c>Worker</c> and validates it when the host starts.</summary>
    public static IServiceCollection AddWorkerOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WorkerOptions>().Bind(configuration.GetSection(WorkerOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>The model repository manager and the schedulers it creates, plus the loader that starts them.</summary>
    public static IServiceCollection AddModelRepository(this IServiceCollection services)
    {
        services.TryAddSingleton<SchedulerFactory>();
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<WorkerOptions>>().Value;
            return new ModelManagerSettings
            {
                RepositoryRoot = options.Repository,
                ModelNames = options.ModelNames,
                Scheduling = new SchedulingOverrides
                {
                    Kind = WorkerOptionsValidator.ParseScheduler(options.Scheduler) ?? SchedulerKind.Dynamic,
                    MaxBatchSize = options.MaxBatchSize,
                    MaxQueueDelayUs = options.MaxQueueDelayUs,
                    MaxQueueSize = options.MaxQueueSize,
                    Concurrency = options.Concurrency,
                },
                Faults = options.Faults,
            };
        });
        services.TryAddSingleton<ModelManager>();
        services.TryAddSingleton<WorkerReadiness>();
        services.AddHostedService<ModelLoaderService>();
        return services;
    }

    /// <summary>ONNX Runtime sessions with the worker's device and thread settings (tests may register a fake factory first).</summary>
    public static IServiceCollection AddOnnxRuntimeExecution(this IServiceCollection services)
    {
        services.TryAddSingleton<IModelExecutorFactory>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<WorkerOptions>>().Value;
            var settings = new ExecutionSettings
            {
                Device = ExecutionDevice.Parse(options.Device) ?? ExecutionDevice.Auto,
                IntraOpThreads = options.IntraOpThreads,
                InterOpThreads = options.InterOpThreads,
                AllowSpinning = options.AllowSpinning,
            };
            OrtNativeLog.ForwardTo(sp.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.ML.OnnxRuntime"));
            return new OrtModelExecutorFactory(settings, sp.GetRequiredService<ILogger<OrtModelExecutorFactory>>());
        });
        return services;
    }

    /// <summary>The gRPC server and the inference protocol service (a singleton: it holds no per-call state).</summary>
    public static IServiceCollection AddInferenceFrontend(this IServiceCollection services)
    {
        services.AddGrpc();
        services.AddOptions<GrpcServiceOptions>().Configure<IOptions<WorkerOptions>>((grpc, worker) =>
        {
            grpc.MaxReceiveMessageSize = worker.Value.MaxReceiveMessageSize;
            grpc.EnableDetailedErrors = worker.Value.DetailedErrors;
        });
        services.TryAddSingleton<InferenceService>();
        return services;
    }
}
