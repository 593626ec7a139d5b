using System.Net;
using EnsembleGrpc.Hosting;
using EnsembleGrpc.Protocol.Admin;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Hosting;

/// <summary>
/// The router's listeners: the main one (inference, health and admin) and, with <see cref="RouterOptions.AdminPort"/>,
/// one for admin calls alone; both h2c or both TLS (<see cref="RouterTransportSecurity"/>). With the admin listener,
/// <see cref="FilterAsync"/> keeps admin calls off the main port and everything but admin and health off the admin
/// port, by the port the connection arrived on (not the client's :authority, which a client can set at will).
/// </summary>
public sealed class RouterListeners
{
    private static readonly PathString AdminPrefix = "/" + RouterAdmin.Descriptor.FullName;
    private static readonly PathString HealthPrefix = "/grpc.health.v1.Health";

    private ListenOptions? _main;
    private ListenOptions? _admin;

    /// <summary>The main port, bound (the real one when 0 was asked for).</summary>
    public int MainPort => (_main?.IPEndPoint ?? throw new InvalidOperationException("The router has not been configured to listen yet.")).Port;

    /// <summary>The admin listener's bound port; null when admin calls are served on the main port.</summary>
    public int? AdminPort => _admin?.IPEndPoint?.Port;

    /// <summary>Adds the listeners to Kestrel (called from ConfigureKestrel).</summary>
    public static void Configure(KestrelServerOptions kestrel)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        var services = kestrel.ApplicationServices;
        var options = services.GetRequiredService<IOptions<RouterOptions>>().Value;
        var tls = services.GetRequiredService<RouterTransportSecurity>().Server;
        var listeners = services.GetRequiredService<RouterListeners>();
        var address = RouterOptionsValidator.ParseHost(options.Host) ?? IPAddress.Loopback;
        GrpcKestrel.Listen(kestrel, new IPEndPoint(address, options.Port), tls, configure: listen => listeners._main = listen);
        if (options.AdminPort is { } adminPort)
        {
            GrpcKestrel.Listen(kestrel, new IPEndPoint(address, adminPort), tls, configure: listen => listeners._admin = listen);
        }
    }

    /// <summary>Middleware: answers UNIMPLEMENTED to a call that does not belong on the port it arrived on.</summary>
    public Task FilterAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (_admin?.IPEndPoint is not { } admin)
        {
            return next(context);
        }

        var path = context.Request.Path;
        bool isAdmin = path.StartsWithSegments(AdminPrefix, StringComparison.Ordinal);
        bool onAdminPort = context.Connection.LocalPort == admin.Port;
        bool allowed = onAdminPort ? isAdmin || path.StartsWithSegments(HealthPrefix, StringComparison.Ordinal) : !isAdmin;
        if (allowed)
        {
            return next(context);
        }

        // Trailers-only gRPC answer: the status in the response headers, no body.
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = "12";
        context.Response.Headers["grpc-message"] = onAdminPort
            ? "this port serves only the RouterAdmin and health services."
            : "the RouterAdmin service is served on the admin port.";
        return Task.CompletedTask;
    }
}
