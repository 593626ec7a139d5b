using System.Net;
using EnsembleGrpc.Hosting.Tls;
using EnsembleGrpc.InferenceServer.Execution;
using EnsembleGrpc.InferenceServer.Faults;
using EnsembleGrpc.InferenceServer.Repository;
using EnsembleGrpc.InferenceServer.Scheduling;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.InferenceServer.Hosting;

/// <summary>Checks <see cref="WorkerOptions"/> at startup and reports every problem at once, naming the switch.</summary>
public sealed class WorkerOptionsValidator : IValidateOptions<WorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        var errors = new List<string>();
        var models = options.ModelNames;
        if (models.Count == 0)
        {
            errors.Add("--models: name at least one model to serve (comma-separated)");
        }

        if (string.IsNullOrWhiteSpace(options.Repository) || !Directory.Exists(options.Repository))
        {
            errors.Add($"--repository: directory '{options.Repository}' does not exist");
        }

        if (ParseHost(options.Host) is null)
        {
            errors.Add($"--host: '{options.Host}' is not an IP address (or 'localhost')");
        }

        Range(errors, "--port", options.Port, 0, IPEndPoint.MaxPort);
        if (options.HttpPort is { } httpPort)
        {
            Range(errors, "--http-port", httpPort, 0, IPEndPoint.MaxPort);
            if (httpPort > 0 && httpPort == options.Port)
            {
                errors.Add($"--http-port: {httpPort} is also the gRPC --port; give each its own");
            }
        }

        ValidateDevice(options.Device, errors);
        TlsFileChecks.CheckPair(errors, "--tls-cert", options.TlsCertificate, "--tls-key", options.TlsKey, options.TlsPassword);
        TlsFileChecks.CheckAuthorities(errors, "--tls-client-ca", options.TlsClientCa);
        if (!string.IsNullOrEmpty(options.TlsClientCa) && string.IsNullOrEmpty(options.TlsCertificate))
        {
            errors.Add("--tls-client-ca: client certificates need TLS (--tls-cert)");
        }

        Range(errors, "--intra-op-threads", options.IntraOpThreads, 0, 256);
        Range(errors, "--inter-op-threads", options.InterOpThreads, 0, 256);
        Range(errors, "--concurrency", options.Concurrency, 1, 64);
        if (ParseScheduler(options.Scheduler) is null)
        {
            errors.Add($"--scheduler: '{options.Scheduler}' is not dynamic or direct");
        }

        if (options.MaxBatchSize is { } maxBatch)
        {
            Range(errors, "--max-batch-size", maxBatch, 1, 1 << 16);
        }

        if (options.MaxQueueDelayUs is { } delay && (delay < 0 || delay > DynamicBatchingConfig.MaxQueueDelayUsLimit))
        {
            errors.Add($"--max-queue-delay-us: {delay} is outside 0..{DynamicBatchingConfig.MaxQueueDelayUsLimit}");
        }

        if (options.MaxQueueSize is { } queue)
        {
            Range(errors, "--max-queue-size", queue, 1, 1 << 20);
        }

        Range(errors, "--max-receive-message-size", options.MaxReceiveMessageSize, 1024, int.MaxValue);
        Range(errors, "--shutdown-timeout-s", options.ShutdownTimeoutSeconds, 0, 3600);
        ValidateFaults(options.Faults, models, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static IPAddress? ParseHost(string? host)
        => string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
            : IPAddress.TryParse(host, out var address) ? address : null;

    public static SchedulerKind? ParseScheduler(string? scheduler) => scheduler?.Trim().ToLowerInvariant() switch
    {
        "dynamic" => SchedulerKind.Dynamic,
        "direct" => SchedulerKind.Direct,
        _ => null,
    };

    /// <summary>
    /// The syntax, and for an explicit <c>cuda</c> whether the CUDA provider loads at all: a worker told to use the
    /// GPU fails at start-up with the reason instead of loading models that cannot run.
    /// </summary>
    private static void ValidateDevice(string? device, List<string> errors)
    {
        var parsed = ExecutionDevice.Parse(device);
        if (parsed is null)
        {
            errors.Add($"--device: '{device}' is not {ExecutionDevice.AcceptedForms}");
        }
        else if (parsed.Kind == ExecutionDeviceKind.Cuda && CudaProvider.UnavailableReason(parsed.DeviceId) is { } reason)
        {
            errors.Add($"--device: {parsed} is unavailable: {reason}");
        }
    }

    private static void ValidateFaults(FaultOptions faults, IReadOnlyList<string> models, List<string> errors)
    {
        Range(errors, "--fault-latency-ms", faults.LatencyMs, 0, 600_000);
        if (!(faults.FailureRate >= 0 && faults.FailureRate <= 1))
        {
            errors.Add($"--fault-failure-rate: {faults.FailureRate} is outside 0..1");
        }

        if (faults.FailureStatus is not ("unavailable" or "internal"))
        {
            errors.Add($"--fault-failure-status: '{faults.FailureStatus}' is not unavailable or internal");
        }

        foreach (var model in FaultScope.Parse(faults.Models).Where(m => !models.Contains(m)))
        {
            errors.Add($"--fault-models: '{model}' is not among the served models ({string.Join(", ", models)})");
        }
    }

    private static void Range(List<string> errors, string name, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{name}: {value} is outside {min}..{max}");
        }
    }
}
