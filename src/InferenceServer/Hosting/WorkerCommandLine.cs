namespace EnsembleGrpc.InferenceServer.Hosting;

/// <summary>The command-line switches, mapped onto configuration keys of <see cref="WorkerOptions"/>.</summary>
public static class WorkerCommandLine
{
    public static IDictionary<string, string> SwitchMappings { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["--repository"] = Key(nameof(WorkerOptions.Repository)),
        ["--models"] = Key(nameof(WorkerOptions.Models)),
        ["--host"] = Key(nameof(WorkerOptions.Host)),
        ["--port"] = Key(nameof(WorkerOptions.Port)),
        ["--device"] = Key(nameof(WorkerOptions.Device)),
        ["--intra-op-threads"] = Key(nameof(WorkerOptions.IntraOpThreads)),
        ["--inter-op-threads"] = Key(nameof(WorkerOptions.InterOpThreads)),
        ["--allow-spinning"] = Key(nameof(WorkerOptions.AllowSpinning)),
        ["--concurrency"] = Key(nameof(WorkerOptions.Concurrency)),
        ["--scheduler"] = Key(nameof(WorkerOptions.Scheduler)),
        ["--max-batch-size"] = Key(nameof(WorkerOptions.MaxBatchSize)),
        ["--max-queue-delay-us"] = Key(nameof(WorkerOptions.MaxQueueDelayUs)),
        ["--max-queue-size"] = Key(nameof(WorkerOptions.MaxQueueSize)),
        ["--max-receive-message-size"] = Key(nameof(WorkerOptions.MaxReceiveMessageSize)),
        ["--shutdown-timeout-s"] = Key(nameof(WorkerOptions.ShutdownTimeoutSeconds)),
        ["--exit-on-load-error"] = Key(nameof(WorkerOptions.ExitOnLoadError)),
        ["--detailed-errors"] = Key(nameof(WorkerOptions.DetailedErrors)),
        ["--fault-latency-ms"] = FaultKey(nameof(Faults.FaultOptions.LatencyMs)),
        ["--fault-failure-rate"] = FaultKey(nameof(Faults.FaultOptions.FailureRate)),
        ["--fault-failure-status"] = FaultKey(nameof(Faults.FaultOptions.FailureStatus)),
        ["--fault-hang"] = FaultKey(nameof(Faults.FaultOptions.Hang)),
        ["--fault-models"] = FaultKey(nameof(Faults.FaultOptions.Models)),
        ["--fault-seed"] = FaultKey(nameof(Faults.FaultOptions.Seed)),
    };

    /// <summary>
    /// Lets boolean switches stand alone (<c>--fault-hang</c> means <c>--fault-hang true</c>), which the
    /// configuration's command-line provider does not do by itself.
    /// </summary>
    public static string[] Normalize(string[] args)
    {
        var result = new List<string>(args.Length + 2);
        for (var i = 0; i < args.Length; i++)
        {
            result.Add(args[i]);
            var isFlag = args[i] is "--fault-hang" or "--allow-spinning" or "--detailed-errors" or "--exit-on-load-error";
            if (isFlag && (i + 1 == args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal)))
            {
                result.Add("true");
            }
        }

        return [.. result];
    }

    private static string Key(string property) => $"{WorkerOptions.SectionName}:{property}";

    private static string FaultKey(string property) => $"{WorkerOptions.SectionName}:{nameof(WorkerOptions.Faults)}:{property}";
}
