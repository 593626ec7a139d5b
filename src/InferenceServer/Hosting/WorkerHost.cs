using System.Net;
using EnsembleGrpc.Hosting;
using EnsembleGrpc.Hosting.Cli;
using EnsembleGrpc.Hosting.Errors;
using EnsembleGrpc.Hosting.Observability;
using EnsembleGrpc.Hosting.Rest;
using EnsembleGrpc.InferenceServer.Frontend;
using EnsembleGrpc.InferenceServer.Frontend.Rest;
using EnsembleGrpc.InferenceServer.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.InferenceServer.Hosting;

/// <summary>
/// Builds and runs the worker: Kestrel (h2c, or TLS with a certificate, see <see cref="WorkerTls"/>) with the inference service, the model manager and its loader.
/// Tests build it in-process with <c>--port 0</c>, start it, read <see cref="Port"/> and await
/// <see cref="WaitUntilLoadedAsync"/>.
/// </summary>
public sealed class WorkerHost : IAsyncDisposable
{
    private WorkerHost(WebApplication app) => App = app;

    public WebApplication App { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>The bound port (after <see cref="StartAsync"/>), the real one when asked for port 0.</summary>
    public int Port => GrpcKestrel.BoundPort(App.Services);

    /// <summary>The bound port of the REST binding (after <see cref="StartAsync"/>); null when --http-port is not given.</summary>
    public int? HttpPort => App.Services.GetRequiredService<RestListener>().Port;

    /// <summary>
    /// Builds the worker from command-line style arguments (see <see cref="WorkerCommandLine"/>), on top of
    /// appsettings.json and <c>ENSEMBLEGRPC_</c> environment variables. <paramref name="configureServices"/> runs
    /// before the defaults are added, so what it registers (a fake executor factory, a TimeProvider) wins.
    /// </summary>
    /// <exception cref="CommandLineException">An unknown option or a value of the wrong type.</exception>
    public static WorkerHost Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var commandLine = WorkerCommandLine.Parse(args).ThrowIfInvalid();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        ServerConfiguration.Apply(builder, commandLine);

        configureServices?.Invoke(builder.Services);
        builder.Services
            .AddWorkerOptions(builder.Configuration)
            .AddOnnxRuntimeExecution()
            .AddModelRepository()
            .AddInferenceFrontend();
        builder.Services.AddWorkerHealth();
        builder.Services.AddWorkerRest();
        builder.Services.AddBoundedStatusMessages().AddRequestParsingStatus();
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<WorkerOptions>>(
            (host, worker) => host.ShutdownTimeout = TimeSpan.FromSeconds(worker.Value.ShutdownTimeoutSeconds));
        builder.Services.AddMetrics().AddSingleton<WorkerMetrics>();
        builder.Services.AddServerTelemetry(builder.Configuration, "ensemblegrpc-worker", WorkerMetrics.MeterName);
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var endpoint = ListenEndpoint(kestrel.ApplicationServices);
            GrpcKestrel.Listen(kestrel, endpoint, WorkerTls.Load(kestrel.ApplicationServices));
            ServerTelemetry.ListenMetrics(kestrel, endpoint.Address);
            if (HttpEndpoint(kestrel.ApplicationServices) is { } http)
            {
                kestrel.ApplicationServices.GetRequiredService<RestListener>().Listen(kestrel, http);
            }
        });

        var app = builder.Build();
        app.Services.GetRequiredService<WorkerMetrics>();
        app.MapServerMetrics();
        app.UseGrpcMessagePrefixCheck();
        app.MapGrpcService<InferenceService>();
        app.MapWorkerHealth();
        if (HttpEndpoint(app.Services) is not null)
        {
            app.MapWorkerRest();
        }

        return new WorkerHost(app);
    }

    /// <summary>
    /// Runs the worker until SIGINT/SIGTERM (see <see cref="ServerRunner"/>): 0 on a clean exit or after --help/--version,
    /// 1 when a model failed to load, 2 for a bad command line or configuration, 3 when the port is taken.
    /// </summary>
    public static Task<int> RunAsync(string[] args)
        => ServerRunner.RunAsync(WorkerCommandLine.Parse(args), () => Build(args).App, ListenEndpoint);

    public Task StartAsync(CancellationToken cancellationToken = default) => App.StartAsync(cancellationToken);

    /// <summary>Completes when loading ended: true when every model is READY.</summary>
    public Task<bool> WaitUntilLoadedAsync() => App.Services.GetRequiredService<WorkerReadiness>().Loaded;

    public Task StopAsync(CancellationToken cancellationToken = default) => App.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => App.DisposeAsync();

    private static IPEndPoint? HttpEndpoint(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<WorkerOptions>>().Value;
        return options.HttpPort is { } port ? new IPEndPoint(WorkerOptionsValidator.ParseHost(options.Host) ?? IPAddress.Loopback, port) : null;
    }

    private static IPEndPoint ListenEndpoint(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<WorkerOptions>>().Value;
        return new IPEndPoint(WorkerOptionsValidator.ParseHost(options.Host) ?? IPAddress.Loopback, options.Port);
    }
}
