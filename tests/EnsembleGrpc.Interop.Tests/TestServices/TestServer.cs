using System.Net;
using EnsembleGrpc.Hosting;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Interop.Tests.TestServices;

/// <summary>
/// A real Kestrel server on 127.0.0.1, port 0 (h2c via <see cref="GrpcKestrel"/>), with Grpc.AspNetCore serving
/// <see cref="TestServiceImpl"/>: "our server" of the interop tests. Pass services, endpoints and gRPC options to shape it.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, string address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>"http://127.0.0.1:PORT".</summary>
    public string Address { get; }

    public Uri Uri => new(Address);

    public int Port => Uri.Port;

    public IServiceProvider Services => _app.Services;

    public TestServiceProbe Probe => _app.Services.GetRequiredService<TestServiceProbe>();

    /// <summary>
    /// Starts a server. <paramref name="configureServices"/> runs after the defaults (so it can replace e.g. the
    /// TimeProvider); <paramref name="configureEndpoints"/> adds endpoints beside the test service.
    /// </summary>
    public static async Task<TestServer> StartAsync(
        Action<IServiceCollection>? configureServices = null,
        Action<IEndpointRouteBuilder>? configureEndpoints = null,
        Action<GrpcServiceOptions>? configureGrpc = null,
        bool mapTestService = true,
        HttpProtocols protocols = HttpProtocols.Http2)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(TestServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });

        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var endpoint = new IPEndPoint(IPAddress.Loopback, 0);
            if (protocols == HttpProtocols.Http2)
            {
                GrpcKestrel.ListenH2c(kestrel, endpoint);
            }
            else
            {
                kestrel.Listen(endpoint, listen => listen.Protocols = protocols);
            }
        });

        builder.Services.AddGrpc(o => configureGrpc?.Invoke(o));
        builder.Services.AddSingleton<TestServiceProbe>();
        builder.Services.AddSingleton<TestServiceImpl>();
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        if (mapTestService)
        {
            app.MapGrpcService<TestServiceImpl>();
        }

        configureEndpoints?.Invoke(app);
        await app.StartAsync();

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var address = addresses.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        return new TestServer(app, address);
    }

    public async ValueTask DisposeAsync()
    {
        // Handlers that ignore cancellation would otherwise hold shutdown until its timeout.
        Probe.ReleaseHandlers();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
