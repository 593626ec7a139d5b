using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace EnsembleGrpc.Hosting.Observability;

/// <summary>
/// OpenTelemetry for a server: metrics (the server's own meters, ASP.NET Core's, the .NET runtime's and the process's)
/// scraped by Prometheus from <c>/metrics</c> on an HTTP/1.1 listener of their own, and traces with W3C trace context
/// (server spans from ASP.NET Core, client spans from HttpClient, which Grpc.Net.Client calls go through, so the
/// <c>traceparent</c> header reaches the workers). Nothing is registered for what <see cref="TelemetryOptions"/> leaves
/// off, so a server without metrics or traces pays nothing for them.
/// </summary>
public static class ServerTelemetry
{
    /// <summary>The scrape path on the metrics listener.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// Registers the options and, as they ask, the meter provider (with <paramref name="meters"/>) and the tracer
    /// provider. Tests add exporters of their own with <c>ConfigureOpenTelemetryTracerProvider</c>.
    /// </summary>
    public static IServiceCollection AddServerTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName, params string[] meters)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(TelemetryOptions.SectionName);
        services.AddOptions<TelemetryOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>());

        // Read now: whether the providers exist is decided while the services are registered.
        var options = section.Get<TelemetryOptions>() ?? new TelemetryOptions();
        var (recordTraces, exportTraces) = TraceModes.Resolve(options.Traces, Environment.GetEnvironmentVariable);
        if (options.MetricsPort is null && !recordTraces)
        {
            return services;
        }

        var telemetry = services.AddOpenTelemetry().ConfigureResource(r => r.AddService(serviceName));
        if (options.MetricsPort is not null)
        {
            telemetry.WithMetrics(metrics => metrics
                .AddMeter(meters)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddProcessInstrumentation()
                .AddView(PrometheusNames.Rename)
                // The exporter answers scrapes within 300 ms of the last one from a cached copy by default: a scrape
                // would then show counts older than requests already answered. Prometheus scrapes every few seconds,
                // so collecting each time costs nothing worth that surprise.
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        }

        if (recordTraces)
        {
            telemetry.WithTracing(tracing =>
            {
                tracing
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsMetricsScrape(context))
                    .AddHttpClientInstrumentation()
                    // grpc-dotnet's client span sits between a request's server span and its HttpClient span.
                    .AddSource("Grpc.Net.Client");
                if (exportTraces)
                {
                    tracing.AddOtlpExporter();
                }
            });
        }

        return services;
    }

    /// <summary>
    /// Adds the HTTP/1.1 metrics listener on <paramref name="address"/> when <see cref="TelemetryOptions.MetricsPort"/>
    /// is set. Call after the gRPC listener, which stays the first bound address.
    /// </summary>
    public static void ListenMetrics(KestrelServerOptions kestrel, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(address);
        var options = kestrel.ApplicationServices.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        if (options.MetricsPort is not { } port)
        {
            return;
        }

        kestrel.Listen(address, port, listen =>
        {
            // Prometheus scrapes over HTTP/1.1; the gRPC listener keeps speaking HTTP/2 only.
            listen.Protocols = HttpProtocols.Http1;
            listen.Use(next => connection =>
            {
                connection.Features.Set(MetricsConnection.Instance);
                return next(connection);
            });
        });
    }

    /// <summary>Serves <c>/metrics</c> on the metrics listener's connections, when there is one.</summary>
    public static void MapServerMetrics(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.MetricsPort is not null)
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(IsMetricsScrape);
        }
    }

    private static bool IsMetricsScrape(HttpContext context) =>
        context.Features.Get<MetricsConnection>() is not null && context.Request.Path == MetricsPath;
}
