using EnsembleGrpc.Hosting.Logs;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace EnsembleGrpc.Hosting.Cli;

/// <summary>
/// The configuration sources of a server, lowest priority first: the quiet log defaults, whatever the web builder
/// reads itself (appsettings.json, DOTNET_/ASPNETCORE_ variables), <c>ENSEMBLEGRPC_</c> environment variables, then
/// the command line. Options classes bind from the result, so their validation sees every source.
/// </summary>
public static class ServerConfiguration
{
    /// <summary>Prefix of the environment overlay: <c>ENSEMBLEGRPC_Worker__Port=8001</c> is <c>Worker:Port</c>.</summary>
    public const string EnvironmentPrefix = "ENSEMBLEGRPC_";

    public static void Apply(WebApplicationBuilder builder, CommandLineParse commandLine)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(commandLine);
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = ServerLogs.Defaults });
        builder.Configuration.AddEnvironmentVariables(EnvironmentPrefix);
        builder.Configuration.AddInMemoryCollection(commandLine.Configuration);
        ServerLogs.UseConfiguredFormat(builder.Logging, builder.Configuration);
        // No per-request Activity and log scope when no request line would be written (the worker and the router alike).
        HostingDiagnosticsLog.Apply(builder.Logging, builder.Configuration);
    }
}
