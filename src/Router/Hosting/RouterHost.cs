using System.Net;
using EnsembleGrpc.Hosting;
using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Frontend;
using EnsembleGrpc.Router.Traffic;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Hosting;

/// <summary>
/// Builds and runs the router: Kestrel (h2c) with the inference and admin services. Tests build it in-process with
/// <c>--port 0</c>, start it and read <see cref="Port"/>. The routing file is loaded (and validated) when the host is
/// built, so a bad file fails here with every problem listed.
/// </summary>
public sealed class RouterHost : IAsyncDisposable
{
    private RouterHost(WebApplication app) => App = app;

    public WebApplication App { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>The bound port (after <see cref="StartAsync"/>), the real one when asked for port 0.</summary>
    public int Port => GrpcKestrel.BoundPort(App.Services);

    /// <summary>
    /// Builds the router from command-line style arguments (see <see cref="RouterCommandLine"/>) on top of
    /// <c>ENSEMBLEGRPC_</c> environment variables. <paramref name="configureServices"/> runs before the defaults, so
    /// what it registers (a TimeProvider, a seeded Random, a fake worker client) wins.
    /// </summary>
    public static RouterHost Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args });
        builder.Configuration.AddEnvironmentVariables("ENSEMBLEGRPC_");
        builder.Configuration.AddCommandLine(args, RouterCommandLine.SwitchMappings);

        configureServices?.Invoke(builder.Services);
        builder.Services.AddOptions<RouterOptions>().Bind(builder.Configuration.GetSection(RouterOptions.SectionName))
            .Validate(o => o.WarmupTimeoutMs >= 1, $"{RouterOptions.SectionName}:{nameof(RouterOptions.WarmupTimeoutMs)} (--warmup-timeout-ms) must be 1 or more.")
            .Validate(o => o.WarmupCalls >= 1, $"{RouterOptions.SectionName}:{nameof(RouterOptions.WarmupCalls)} (--warmup-calls) must be 1 or more.");
        builder.Services.AddGrpc();
        builder.Services
            .AddExperiments()
            .AddRouterConfiguration()
            .AddEnsembles()
            .AddRouterResilience()
            .AddTraffic()
            .AddRouterFrontend();
        builder.Services.AddRouterHealth();
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var options = kestrel.ApplicationServices.GetRequiredService<IOptions<RouterOptions>>().Value;
            var address = IPAddress.TryParse(options.Host, out var parsed) ? parsed : IPAddress.Loopback;
            GrpcKestrel.ListenH2c(kestrel, new IPEndPoint(address, options.Port));
        });

        var app = builder.Build();
        // Load (and validate) the routing file now, not on the first request.
        // Restore the stored splits and feedback counts with it.
        app.Services.GetRequiredService<RoutingConfigProvider>();
        app.Services.GetRequiredService<TrafficStatistics>();
        app.MapGrpcService<RouterInferenceService>();
        app.MapGrpcService<RouterAdminService>();
        app.MapRouterHealth();
        return new RouterHost(app);
    }

    /// <summary>Runs the router until SIGINT/SIGTERM; 2 when the configuration is invalid.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            await using var host = Build(args);
            await host.App.RunAsync().ConfigureAwait(false);
            return Environment.ExitCode;
        }
        catch (RoutingConfigException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 2;
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync($"Invalid configuration:{Environment.NewLine}  {string.Join($"{Environment.NewLine}  ", ex.Failures)}").ConfigureAwait(false);
            return 2;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken = default) => App.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken = default) => App.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
