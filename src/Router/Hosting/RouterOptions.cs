namespace EnsembleGrpc.Router.Hosting;

/// <summary>Process-level settings of the router (the routing itself lives in the routing file).</summary>
public sealed class RouterOptions
{
    public const string SectionName = "Router";

    /// <summary>The routing file. Default <c>config/routing.json</c> (relative to the working directory).</summary>
    public string Config { get; set; } = "config/routing.json";

    /// <summary>
    /// Where experiment state (runtime traffic splits, feedback counts) is kept, an SQLite file. Empty (the default):
    /// <c>router-state.db</c> beside the routing file; <c>:memory:</c>: in memory for the life of the process;
    /// <c>none</c>: not kept at all.
    /// </summary>
    public string State { get; set; } = "";

    /// <summary>Address to listen on. Default 127.0.0.1.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Port to listen on (inference, health and, without <see cref="AdminPort"/>, admin); 0 picks a free one. Default 8000.</summary>
    public int Port { get; set; } = 8000;

    /// <summary>
    /// Port of a listener of its own for the RouterAdmin service (0 picks a free one), so that operators can firewall
    /// it; the main port then no longer serves admin calls and this one serves only admin and health. Default null:
    /// admin calls are served on <see cref="Port"/>.
    /// </summary>
    public int? AdminPort { get; set; }

    /// <summary>
    /// The router's TLS certificate: a PEM file with <see cref="TlsKey"/>, or a PKCS#12 (.pfx/.p12) file holding the key
    /// when <see cref="TlsKey"/> is empty. Every listener then serves HTTP/2 over TLS (ALPN h2) instead of h2c. Default
    /// empty: cleartext h2c.
    /// </summary>
    public string TlsCertificate { get; set; } = "";

    /// <summary>The PEM private key of <see cref="TlsCertificate"/>. Default empty (none, or inside a PKCS#12 file).</summary>
    public string TlsKey { get; set; } = "";

    /// <summary>Password of an encrypted PEM key or of the PKCS#12 file; configuration or environment only. Default empty.</summary>
    public string TlsPassword { get; set; } = "";

    /// <summary>
    /// PEM bundle of the authorities that https:// workers' certificates must chain to, instead of the machine's trust
    /// store. Default empty: the machine's trust store.
    /// </summary>
    public string WorkerCa { get; set; } = "";

    /// <summary>
    /// Client certificate the router presents to https:// workers (mutual TLS): PEM with <see cref="WorkerKey"/>, or
    /// PKCS#12 when that is empty. Default empty: none.
    /// </summary>
    public string WorkerCertificate { get; set; } = "";

    /// <summary>The PEM private key of <see cref="WorkerCertificate"/>. Default empty.</summary>
    public string WorkerKey { get; set; } = "";

    /// <summary>Password of <see cref="WorkerKey"/> or of the PKCS#12 client certificate; configuration or environment only. Default empty.</summary>
    public string WorkerPassword { get; set; } = "";
    /// Port for the REST binding of the protocol (HTTP/1.1 and HTTP/2, cleartext, JSON), on the same address; 0 picks a
    /// free one. Default null: no HTTP listener (gRPC only).
    /// </summary>
    public int? HttpPort { get; set; }

    /// <summary>Whether the routing file is watched and hot-reloaded. Default true.</summary>
    public bool Watch { get; set; } = true;

    /// <summary>How many recent request ids are remembered for feedback. Default 100000.</summary>
    public int LedgerCapacity { get; set; } = Traffic.RequestLedger.DefaultCapacity;

    /// <summary>
    /// Whether every member endpoint is warmed up (connection opened, real ModelInfer calls on zeros) before the
    /// router listens, and every endpoint a reload adds right after the reload. Default true; tests without workers
    /// turn it off.
    /// </summary>
    public bool Warmup { get; set; } = true;

    /// <summary>
    /// The bound on one endpoint's whole warm-up (all its calls); endpoints warm up in parallel, so startup waits at
    /// most this long for an unreachable or hung worker. Default 10000 ms.
    /// </summary>
    public int WarmupTimeoutMs { get; set; } = 10_000;

    /// <summary>Warm-up ModelInfer calls per endpoint and model: the first alone, then the rest at once (so every connection opens). Default 3.</summary>
    public int WarmupCalls { get; set; } = 3;
}
