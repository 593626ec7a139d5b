using System.Net;
using EnsembleGrpc.Hosting;
using EnsembleGrpc.Hosting.Cli;
using EnsembleGrpc.Hosting.Errors;
using EnsembleGrpc.Hosting.Observability;
using EnsembleGrpc.Hosting.Rest;
using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Experiments;
using EnsembleGrpc.Router.Frontend;
using EnsembleGrpc.Router.Frontend.Page;
using EnsembleGrpc.Router.Frontend.Rest;
using EnsembleGrpc.Router.Observability;
using EnsembleGrpc.Router.Traffic;
using EnsembleGrpc.Router.Traffic.Assignment;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Hosting;

/// <summary>
/// Builds and runs the router: Kestrel (h2c, or TLS with a certificate; see <see cref="RouterListeners"/>) with the
/// inference and admin services. Tests build it in-process with
/// <c>--port 0</c>, start it and read <see cref="Port"/>. The routing file is loaded (and validated) when the host is
/// built, so a bad file fails here with every problem listed.
/// </summary>
public sealed class RouterHost : IAsyncDisposable
{
    private RouterHost(WebApplication app) => App = app;

    public WebApplication App { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>The bound main port (after <see cref="StartAsync"/>), the real one when asked for port 0.</summary>
    /// <exception cref="InvalidOperationException">The router has not started listening.</exception>
    public int Port => Listening().MainPort;

    /// <summary>The bound admin port (after <see cref="StartAsync"/>); null when admin calls are served on <see cref="Port"/>.</summary>
    public int? AdminPort => Listening().AdminPort;

    /// <summary>The bound port of the REST binding (after <see cref="StartAsync"/>); null when --http-port is not given.</summary>
    public int? HttpPort => App.Services.GetRequiredService<RestListener>().Port;

    /// <summary>
    /// Builds the router from command-line style arguments (see <see cref="RouterCommandLine"/>) on top of
    /// <c>ENSEMBLEGRPC_</c> environment variables. <paramref name="configureServices"/> runs before the defaults, so
    /// what it registers (a TimeProvider, a seeded Random, a fake worker client) wins.
    /// </summary>
    /// <exception cref="CommandLineException">An unknown option or a value of the wrong type.</exception>
    /// <exception cref="OptionsValidationException">Invalid options (every problem listed).</exception>
    /// <exception cref="RoutingConfigException">A missing or invalid routing file.</exception>
    public static RouterHost Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var commandLine = RouterCommandLine.Parse(args).ThrowIfInvalid();
        var builder = WebApplication.CreateSlimBuilder();
        ServerConfiguration.Apply(builder, commandLine);

        configureServices?.Invoke(builder.Services);
        builder.Services.AddOptions<RouterOptions>().Bind(builder.Configuration.GetSection(RouterOptions.SectionName));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RouterOptions>, RouterOptionsValidator>());
        builder.Services.AddGrpc();
        builder.Services.AddBoundedStatusMessages().AddRequestParsingStatus();
        builder.Services
            .AddExperiments()
            .AddRouterConfiguration()
            .AddEnsembles()
            .AddRouterResilience()
            .AddTraffic()
            .AddRollouts()
            .AddRouterEngine()
            .AddRouterFrontend();
        builder.Services.AddRouterHealth();
        builder.Services.AddRouterObservability().AddServerTelemetry(builder.Configuration, "ensemblegrpc-router", RouterMetrics.MeterName);
        builder.Services.AddRouterRest().AddRouterPage();
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            RouterListeners.Configure(kestrel);
            ServerTelemetry.ListenMetrics(kestrel, ListenEndpoints(kestrel.ApplicationServices)[0].Address);
            if (HttpEndpoint(kestrel.ApplicationServices) is { } http)
            {
                kestrel.ApplicationServices.GetRequiredService<RestListener>().Listen(kestrel, http);
            }
        });

        var app = builder.Build();
        // Load (and validate) the routing file now, not on the first request.
        // Restore the stored splits and feedback counts with it.
        app.Services.GetRequiredService<RoutingConfigProvider>();
        app.Services.GetRequiredService<TrafficStatistics>();
        app.Services.GetRequiredService<TrafficSplitState>();
        app.Services.GetRequiredService<RouterMetrics>();
        app.MapServerMetrics();
        if (app.Services.GetRequiredService<IOptions<RouterOptions>>().Value.AdminPort is not null)
        {
            // Only with a separate admin listener: without one, inference calls skip this middleware altogether.
            app.Use(app.Services.GetRequiredService<RouterListeners>().FilterAsync);
        }

        app.UseGrpcMessagePrefixCheck();
        app.MapGrpcService<RouterInferenceService>();
        app.MapGrpcService<RouterAdminService>();
        app.MapRouterHealth();
        if (HttpEndpoint(app.Services) is not null)
        {
            app.MapRouterRest();
            app.MapRouterPage();
        }

        return new RouterHost(app);
    }

    /// <summary>
    /// Runs the router until SIGINT/SIGTERM (see <see cref="ServerRunner"/>): 0 on a clean exit or after --help/--version,
    /// 2 for a bad command line, configuration or routing file, 3 when the port is taken.
    /// </summary>
    public static Task<int> RunAsync(string[] args)
        => ServerRunner.RunAsync(RouterCommandLine.Parse(args), () => Build(args).App, ListenEndpoints, RoutingFileErrors);

    public Task StartAsync(CancellationToken cancellationToken = default) => App.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken = default) => App.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => App.DisposeAsync();

    private RouterListeners Listening()
    {
        // Throws until Kestrel has bound its addresses, like the port of a server that is not listening yet.
        _ = GrpcKestrel.BoundPort(App.Services);
        return App.Services.GetRequiredService<RouterListeners>();
    }

    private static IReadOnlyList<IPEndPoint> ListenEndpoints(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<RouterOptions>>().Value;
        var address = RouterOptionsValidator.ParseHost(options.Host) ?? IPAddress.Loopback;
        return options.AdminPort is { } admin
            ? [new IPEndPoint(address, options.Port), new IPEndPoint(address, admin)]
            : [new IPEndPoint(address, options.Port)];
    }

    private static IPEndPoint? HttpEndpoint(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<RouterOptions>>().Value;
        return options.HttpPort is { } port ? new IPEndPoint(RouterOptionsValidator.ParseHost(options.Host) ?? IPAddress.Loopback, port) : null;
    }

    private static IReadOnlyList<string>? RoutingFileErrors(Exception exception)
        => exception is RoutingConfigException or ExperimentStateException ? [exception.Message] : null;
}
