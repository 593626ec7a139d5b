using System.Net;
using EnsembleGrpc.Hosting;
using EnsembleGrpc.InferenceServer.Frontend;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.InferenceServer.Hosting;

/// <summary>
/// Builds and runs the worker: Kestrel (h2c) with the inference service, the model manager and its loader.
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

    /// <summary>
    /// Builds the worker from command-line style arguments (see <see cref="WorkerCommandLine"/>), on top of
    /// appsettings.json and <c>ENSEMBLEGRPC_</c> environment variables. <paramref name="configureServices"/> runs
    /// before the defaults are added, so what it registers (a fake executor factory, a TimeProvider) wins.
    /// </summary>
    public static WorkerHost Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        // Normalised once for both command-line providers: a bare flag would otherwise swallow the next switch.
        args = WorkerCommandLine.Normalize(args);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddEnvironmentVariables("ENSEMBLEGRPC_");
        builder.Configuration.AddCommandLine(args, WorkerCommandLine.SwitchMappings);

        configureServices?.Invoke(builder.Services);
        builder.Services
            .AddWorkerOptions(builder.Configuration)
            .AddOnnxRuntimeExecution()
            .AddModelRepository()
            .AddInferenceFrontend();
        builder.Services.AddWorkerHealth();
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<WorkerOptions>>(
            (host, worker) => host.ShutdownTimeout = TimeSpan.FromSeconds(worker.Value.ShutdownTimeoutSeconds));
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var options = kestrel.ApplicationServices.GetRequiredService<IOptions<WorkerOptions>>().Value;
            var address = WorkerOptionsValidator.ParseHost(options.Host) ?? IPAddress.Loopback;
            GrpcKestrel.ListenH2c(kestrel, new IPEndPoint(address, options.Port));
        });

        var app = builder.Build();
        app.MapGrpcService<InferenceService>();
        app.MapWorkerHealth();
        return new WorkerHost(app);
    }

    /// <summary>Runs the worker until SIGINT/SIGTERM; 0 on a clean exit, 1 when a model failed to load or startup failed.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            await using var host = Build(args);
            await host.App.RunAsync().ConfigureAwait(false);
            return Environment.ExitCode;
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync($"Invalid configuration:{Environment.NewLine}  {string.Join($"{Environment.NewLine}  ", ex.Failures)}").ConfigureAwait(false);
            return 2;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken = default) => App.StartAsync(cancellationToken);

    /// <summary>Completes when loading ended: true when every model is READY.</summary>
    public Task<bool> WaitUntilLoadedAsync() => App.Services.GetRequiredService<WorkerReadiness>().Loaded;

    public Task StopAsync(CancellationToken cancellationToken = default) => App.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
