using EnsembleGrpc.InferenceServer.Faults;

namespace EnsembleGrpc.InferenceServer.Hosting;

/// <summary>
/// The worker's settings, bound from section <c>Worker</c> of appsettings.json, environment variables
/// (<c>ENSEMBLEGRPC_Worker__Port=8001</c>) and the command line (<c>--port 8001</c>, see
/// <see cref="WorkerCommandLine"/>); later sources win. Checked at startup by <see cref="WorkerOptionsValidator"/>,
/// every error at once.
/// </summary>
public sealed class WorkerOptions
{
    public const string SectionName = "Worker";

    /// <summary>Model repository root (<c>--repository</c>, default <c>models</c>).</summary>
    public string Repository { get; set; } = "models";

    /// <summary>Comma-separated models to serve (<c>--models</c>, required).</summary>
    public string Models { get; set; } = string.Empty;

    /// <summary>Address to listen on (<c>--host</c>, default 127.0.0.1; 0.0.0.0 for every interface).</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Port for gRPC over HTTP/2, h2c or TLS (<c>--port</c>, default 8001, Triton's; 0 picks a free one).</summary>
    public int Port { get; set; } = 8001;

    /// <summary>
    /// TLS certificate (<c>--tls-cert</c>): a PEM file with <see cref="TlsKey"/>, or a PKCS#12 (.pfx/.p12) file holding
    /// the key when <see cref="TlsKey"/> is empty. The worker then serves HTTP/2 over TLS (ALPN h2). Default empty: h2c.
    /// </summary>
    public string TlsCertificate { get; set; } = "";

    /// <summary>PEM private key of <see cref="TlsCertificate"/> (<c>--tls-key</c>). Default empty.</summary>
    public string TlsKey { get; set; } = "";

    /// <summary>Password of an encrypted PEM key or the PKCS#12 file; configuration or environment only. Default empty.</summary>
    public string TlsPassword { get; set; } = "";

    /// <summary>
    /// PEM authorities a client's certificate must chain to (<c>--tls-client-ca</c>): with it, clients (the router)
    /// must present a client certificate issued by one of them (mutual TLS). Needs <see cref="TlsCertificate"/>.
    /// Default empty: no client certificate asked for.
    /// </summary>
    public string TlsClientCa { get; set; } = "";
    /// Port for the REST binding of the protocol (<c>--http-port</c>: HTTP/1.1 and HTTP/2, cleartext, JSON) on the same
    /// address; 0 picks a free one. Default null: no HTTP listener (gRPC only).
    /// </summary>
    public int? HttpPort { get; set; }

    /// <summary>
    /// Where models run (<c>--device</c>, default <c>auto</c>): <c>auto</c> uses CUDA device 0 when its provider
    /// loads and the CPU otherwise (one warning says why); <c>cpu</c>; <c>cuda</c> or <c>cuda:N</c> require that GPU and
    /// fail at start-up when it cannot be used.
    /// </summary>
    public string Device { get; set; } = "auto";

    /// <summary>Threads inside one Run (<c>--intra-op-threads</c>, default 1; 0 lets ORT choose).</summary>
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Threads across graph branches (<c>--inter-op-threads</c>, default 1; 0 lets ORT choose).</summary>
    public int InterOpThreads { get; set; } = 1;

    /// <summary>Let idle ORT threads spin (<c>--allow-spinning</c>, default false: spinning steals the gRPC server's cores).</summary>
    public bool AllowSpinning { get; set; }

    /// <summary>Batches executing at once per model (<c>--concurrency</c>, default 2: measured best on 2 cores with 1 intra-op thread).</summary>
    public int Concurrency { get; set; } = 2;

    /// <summary><c>dynamic</c> (default, batches requests) or <c>direct</c> (one execution per request) (<c>--scheduler</c>).</summary>
    public string Scheduler { get; set; } = "dynamic";

    /// <summary>Override of rows per execution for every model (<c>--max-batch-size</c>; default config.json, then the model's max_batch_size).</summary>
    public int? MaxBatchSize { get; set; }

    /// <summary>Override of the batcher's max queue delay in µs (<c>--max-queue-delay-us</c>; default config.json, then 0).</summary>
    public long? MaxQueueDelayUs { get; set; }

    /// <summary>Override of queued requests per model before RESOURCE_EXHAUSTED (<c>--max-queue-size</c>; default config.json, then 1024).</summary>
    public int? MaxQueueSize { get; set; }

    /// <summary>Largest request message accepted, bytes (<c>--max-receive-message-size</c>, default 16 MiB).</summary>
    public int MaxReceiveMessageSize { get; set; } = 16 * 1024 * 1024;

    /// <summary>How long shutdown waits for queued and in-flight requests (<c>--shutdown-timeout-s</c>, default 30).</summary>
    public int ShutdownTimeoutSeconds { get; set; } = 30;

    /// <summary>Exit with code 1 when a model fails to load (<c>--exit-on-load-error</c>, default true); otherwise keep serving the rest.</summary>
    public bool ExitOnLoadError { get; set; } = true;

    /// <summary>Send the exception text to clients in INTERNAL errors (<c>--detailed-errors</c>, default false).</summary>
    public bool DetailedErrors { get; set; }

    public FaultOptions Faults { get; set; } = new();

    /// <summary>The <see cref="Models"/> list, split and trimmed.</summary>
    public IReadOnlyList<string> ModelNames
        => [.. (Models ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];
}
