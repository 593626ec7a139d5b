using EnsembleGrpc.Hosting.Cli;
using EnsembleGrpc.Hosting.Observability;
using EnsembleGrpc.InferenceServer.Faults;

namespace EnsembleGrpc.InferenceServer.Hosting;

/// <summary>
/// The worker's command line: each option writes a key of section <c>Worker</c> (see <see cref="WorkerOptions"/> for
/// meanings and defaults), so it overrides appsettings.json and <c>ENSEMBLEGRPC_Worker__*</c> variables and is
/// checked by <see cref="WorkerOptionsValidator"/> with every other source. Ranges are the validator's; the parser only
/// rejects unknown options and values of the wrong type.
/// </summary>
public static class WorkerCommandLine
{
    private const string Description =
        "EnsembleGrpc worker: serves ONNX models of a model repository over gRPC (Open Inference Protocol / KServe v2, "
        + "HTTP/2 cleartext or over TLS), one dynamic batcher per model. Prints 'EnsembleGrpc worker ready: ...' on stdout once every "
        + "model is loaded.\n\nExample:\n  EnsembleGrpc.InferenceServer --repository models --models mnist_cnn_1 --port 8001";

    public static ServerCommandLine Create()
    {
        var d = new WorkerOptions();
        var f = d.Faults;
        return new ServerCommandLine(Description,
        [
            ServerOption.Text("--repository", Key(nameof(WorkerOptions.Repository)), "dir", "Model repository root (one folder per model).", d.Repository),
            ServerOption.Text("--models", Key(nameof(WorkerOptions.Models)), "names", "Comma-separated models to serve (required), e.g. mnist_cnn_1,mnist_cnn_2."),
            ServerOption.Text("--host", Key(nameof(WorkerOptions.Host)), "address", "IP address to listen on (or localhost); 0.0.0.0 for every interface.", d.Host),
            ServerOption.Int("--port", Key(nameof(WorkerOptions.Port)), "port", "Port for gRPC over HTTP/2 (h2c, or TLS with --tls-cert) (0..65535; 0 picks a free one).", d.Port, "a port number (0..65535)"),
            ServerOption.Text("--tls-cert", Key(nameof(WorkerOptions.TlsCertificate)), "file", "TLS certificate (PEM with --tls-key, or PKCS#12 holding the key): serve HTTP/2 over TLS instead of h2c. Password, if any: Worker:TlsPassword."),
            ServerOption.Text("--tls-key", Key(nameof(WorkerOptions.TlsKey)), "file", "PEM private key of --tls-cert."),
            ServerOption.Text("--tls-client-ca", Key(nameof(WorkerOptions.TlsClientCa)), "file", "PEM authorities: require clients to present a certificate issued by one of them (mutual TLS; needs --tls-cert)."),
            ServerOption.Int("--http-port", Key(nameof(WorkerOptions.HttpPort)), "port", "Port for the REST binding (HTTP/1.1, JSON; 0..65535, 0 picks a free one). Default: off.", d.HttpPort, "a port number (0..65535)"),
            ServerOption.Text("--device", Key(nameof(WorkerOptions.Device)), "auto|cpu|cuda[:N]", "Execution device: auto (CUDA when available, else CPU), cpu, cuda or cuda:N.", d.Device),
            ServerOption.Int("--intra-op-threads", Key(nameof(WorkerOptions.IntraOpThreads)), "count", "ONNX Runtime threads inside one run (0..256; 0 lets ONNX Runtime choose).", d.IntraOpThreads, "a whole number (0..256)"),
            ServerOption.Int("--inter-op-threads", Key(nameof(WorkerOptions.InterOpThreads)), "count", "ONNX Runtime threads across graph branches (0..256; 0 lets ONNX Runtime choose).", d.InterOpThreads, "a whole number (0..256)"),
            ServerOption.Flag("--allow-spinning", Key(nameof(WorkerOptions.AllowSpinning)), "Let idle ONNX Runtime threads spin (off: spinning steals the gRPC server's cores).", d.AllowSpinning),
            ServerOption.Int("--concurrency", Key(nameof(WorkerOptions.Concurrency)), "count", "Batches executing at once per model (1..64).", d.Concurrency, "a whole number (1..64)"),
            ServerOption.Text("--scheduler", Key(nameof(WorkerOptions.Scheduler)), "dynamic|direct", "dynamic batches concurrent requests; direct runs one execution per request.", d.Scheduler),
            ServerOption.Int("--max-batch-size", Key(nameof(WorkerOptions.MaxBatchSize)), "rows", "Rows per execution for every model (default: the model's config.json, then its max_batch_size).", null, "a whole number (1..65536)"),
            ServerOption.Long("--max-queue-delay-us", Key(nameof(WorkerOptions.MaxQueueDelayUs)), "us", "Batcher's max queue delay in microseconds (default: the model's config.json, then 0).", null, "a whole number of microseconds"),
            ServerOption.Int("--max-queue-size", Key(nameof(WorkerOptions.MaxQueueSize)), "count", "Queued requests per model before RESOURCE_EXHAUSTED (default: the model's config.json, then 1024).", null, "a whole number (1..1048576)"),
            ServerOption.Int("--max-receive-message-size", Key(nameof(WorkerOptions.MaxReceiveMessageSize)), "bytes", "Largest request message accepted, in bytes (1024 or more).", d.MaxReceiveMessageSize, "a whole number of bytes"),
            ServerOption.Int("--shutdown-timeout-s", Key(nameof(WorkerOptions.ShutdownTimeoutSeconds)), "seconds", "How long shutdown waits for queued and in-flight requests (0..3600).", d.ShutdownTimeoutSeconds, "a whole number of seconds (0..3600)"),
            ServerOption.Flag("--exit-on-load-error", Key(nameof(WorkerOptions.ExitOnLoadError)), "Exit with code 1 when a model fails to load; false keeps serving the others.", d.ExitOnLoadError),
            ServerOption.Flag("--detailed-errors", Key(nameof(WorkerOptions.DetailedErrors)), "Send exception text to clients in INTERNAL errors.", d.DetailedErrors),
            ServerOption.Int("--fault-latency-ms", FaultKey(nameof(FaultOptions.LatencyMs)), "ms", "Fault injection: latency added before each request is scheduled (0..600000 ms).", f.LatencyMs, "a whole number of milliseconds (0..600000)"),
            ServerOption.Number("--fault-failure-rate", FaultKey(nameof(FaultOptions.FailureRate)), "0..1", "Fault injection: fraction of requests answered with an injected error.", f.FailureRate, "a number in 0..1"),
            ServerOption.Text("--fault-failure-status", FaultKey(nameof(FaultOptions.FailureStatus)), "unavailable|internal", "Fault injection: status of the injected errors.", f.FailureStatus),
            ServerOption.Flag("--fault-hang", FaultKey(nameof(FaultOptions.Hang)), "Fault injection: never answer until the caller cancels or its deadline passes.", f.Hang),
            ServerOption.Text("--fault-models", FaultKey(nameof(FaultOptions.Models)), "names", "Fault injection: comma-separated models the faults apply to (default: every served model)."),
            ServerOption.Int("--fault-seed", FaultKey(nameof(FaultOptions.Seed)), "int", "Fault injection: seed of the failure draws, for reproducible runs (default: random).", null, "a whole number"),
            .. TelemetryCommandLine.Options(),
        ]);
    }

    /// <summary>Parses <paramref name="args"/>; problems are in the result, nothing is thrown or printed.</summary>
    public static CommandLineParse Parse(IReadOnlyList<string> args) => Create().Parse(args);

    private static string Key(string property) => $"{WorkerOptions.SectionName}:{property}";

    private static string FaultKey(string property) => $"{WorkerOptions.SectionName}:{nameof(WorkerOptions.Faults)}:{property}";
}
