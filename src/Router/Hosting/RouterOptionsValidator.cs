using System.Net;
using EnsembleGrpc.Hosting.Tls;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Hosting;

/// <summary>Checks <see cref="RouterOptions"/> when they are first read (the host is built) and reports every problem at once, naming the option.</summary>
public sealed class RouterOptionsValidator : IValidateOptions<RouterOptions>
{
    public ValidateOptionsResult Validate(string? name, RouterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Config))
        {
            errors.Add("--config: name the routing file");
        }

        if (ParseHost(options.Host) is null)
        {
            errors.Add($"--host: '{options.Host}' is not an IP address (or 'localhost')");
        }

        if (options.Port is < 0 or > IPEndPoint.MaxPort)
        {
            errors.Add($"--port: {options.Port} is outside 0..{IPEndPoint.MaxPort}");
        }

        if (options.AdminPort is { } adminPort)
        {
            if (adminPort is < 0 or > IPEndPoint.MaxPort)
            {
                errors.Add($"--admin-port: {adminPort} is outside 0..{IPEndPoint.MaxPort}");
            }
            else if (adminPort == options.Port && adminPort != 0)
            {
                errors.Add($"--admin-port: {adminPort} is the main port; leave it out to serve admin calls there");
            }
        }

        TlsFileChecks.CheckPair(errors, "--tls-cert", options.TlsCertificate, "--tls-key", options.TlsKey, options.TlsPassword);
        TlsFileChecks.CheckAuthorities(errors, "--worker-ca", options.WorkerCa);
        TlsFileChecks.CheckPair(errors, "--worker-cert", options.WorkerCertificate, "--worker-key", options.WorkerKey, options.WorkerPassword);
        if (options.HttpPort is < 0 or > IPEndPoint.MaxPort)
        {
            errors.Add($"--http-port: {options.HttpPort} is outside 0..{IPEndPoint.MaxPort}");
        }
        else if (options.HttpPort is > 0 && options.HttpPort == options.Port)
        {
            errors.Add($"--http-port: {options.HttpPort} is also the gRPC --port; give each its own");
        }

        AtLeastOne(errors, "--ledger-capacity", options.LedgerCapacity);
        AtLeastOne(errors, "--warmup-timeout-ms", options.WarmupTimeoutMs);
        AtLeastOne(errors, "--warmup-calls", options.WarmupCalls);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static IPAddress? ParseHost(string? host)
        => string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
            : IPAddress.TryParse(host, out var address) ? address : null;

    private static void AtLeastOne(List<string> errors, string name, int value)
    {
        if (value < 1)
        {
            errors.Add($"{name}: {value} must be 1 or more");
        }
    }
}
