using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Hosting.Cli;

/// <summary>
/// Runs a server from its command line the way a user expects: help and version print and exit 0; a bad command line
/// or configuration prints one line per problem and exits 2; a taken port prints one line naming it and exits 3;
/// otherwise the server runs until SIGINT/SIGTERM and its own exit code (<see cref="Environment.ExitCode"/>) is returned.
/// </summary>
public static class ServerRunner
{
    /// <param name="commandLine">The parsed command line (for help, version and its problems).</param>
    /// <param name="build">Builds the server (parses again, binds configuration; may throw for a bad configuration).</param>
    /// <param name="listenEndpoint">The address the server will listen on, from its validated options.</param>
    /// <param name="configurationErrors">The problems an exception of the host's own describes (a bad routing file), or null.</param>
    public static Task<int> RunAsync(
        CommandLineParse commandLine,
        Func<WebApplication> build,
        Func<IServiceProvider, IPEndPoint> listenEndpoint,
        Func<Exception, IReadOnlyList<string>?>? configurationErrors = null)
    {
        ArgumentNullException.ThrowIfNull(listenEndpoint);
        return RunAsync(commandLine, build, services => [listenEndpoint(services)], configurationErrors);
    }

    /// <summary>As above, for a server with several listeners (the router's admin port): each is probed before start.</summary>
    public static async Task<int> RunAsync(
        CommandLineParse commandLine,
        Func<WebApplication> build,
        Func<IServiceProvider, IReadOnlyList<IPEndPoint>> listenEndpoints,
        Func<Exception, IReadOnlyList<string>?>? configurationErrors = null)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        ArgumentNullException.ThrowIfNull(build);
        ArgumentNullException.ThrowIfNull(listenEndpoints);
        if (commandLine.IsInformational)
        {
            return commandLine.PrintInformation(Console.Out);
        }

        if (commandLine.Errors.Count > 0)
        {
            return await FailAsync(ExitCodes.Usage, commandLine.Errors).ConfigureAwait(false);
        }

        WebApplication? app = null;
        IReadOnlyList<IPEndPoint>? endpoints = null;
        try
        {
            app = build();
            endpoints = listenEndpoints(app.Services);
            if (endpoints.FirstOrDefault(ListenProbe.IsInUse) is { } taken)
            {
                return await AddressInUseAsync(taken).ConfigureAwait(false);
            }

            await app.RunAsync().ConfigureAwait(false);
            return Environment.ExitCode;
        }
        catch (CommandLineException ex)
        {
            return await FailAsync(ExitCodes.Usage, ex.Errors).ConfigureAwait(false);
        }
        catch (OptionsValidationException ex)
        {
            return await FailAsync(ExitCodes.Usage, ex.Failures.ToList()).ConfigureAwait(false);
        }
        catch (Exception ex) when (configurationErrors?.Invoke(ex) is { } errors)
        {
            return await FailAsync(ExitCodes.Usage, errors).ConfigureAwait(false);
        }
        catch (Exception ex) when (endpoints is { Count: > 0 } && GrpcKestrel.IsAddressInUse(ex))
        {
            // Taken between the probe and Kestrel's bind: the host has logged it already, this is the line to read.
            return await AddressInUseAsync(endpoints.FirstOrDefault(ListenProbe.IsInUse) ?? endpoints[0]).ConfigureAwait(false);
        }
        finally
        {
            if (app is not null)
            {
                await app.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static Task<int> AddressInUseAsync(IPEndPoint endpoint) => FailAsync(
        ExitCodes.AddressInUse,
        [$"cannot listen on {endpoint}: the address is already in use (another process listens on port {endpoint.Port}; choose another port, or 0 for a free one)."]);

    private static async Task<int> FailAsync(int exitCode, IReadOnlyList<string> errors)
    {
        foreach (var error in errors)
        {
            await Console.Error.WriteLineAsync($"error: {error}").ConfigureAwait(false);
        }

        return exitCode;
    }
}
