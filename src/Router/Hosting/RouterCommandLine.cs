using EnsembleGrpc.Hosting.Cli;
using EnsembleGrpc.Hosting.Observability;
using EnsembleGrpc.Router.Experiments;
using EnsembleGrpc.Router.Frontend.Security;

namespace EnsembleGrpc.Router.Hosting;

/// <summary>
/// The router's command line: each option writes a key of section <c>Router</c> (see <see cref="RouterOptions"/> for
/// meanings and defaults), so it overrides <c>ENSEMBLEGRPC_Router__*</c> variables and is checked by
/// <see cref="RouterOptionsValidator"/> with every other source. The routing itself is in the routing file.
/// </summary>
public static class RouterCommandLine
{
    private const string Description =
        "EnsembleGrpc router: serves virtual ensemble models over gRPC (Open Inference Protocol / KServe v2, HTTP/2 "
        + "cleartext or over TLS), fans each request out to the members' workers and aggregates their answers with the arm's strategy "
        + "(bagging, boosting, stacking, vote, best). The routing file (config/README.md) names ensembles, members, "
        + "worker endpoints and arms; it is hot-reloaded when --watch is on.\n\nExample:\n"
        + "  EnsembleGrpc.Router --config config/routing.json --port 8000 --state artifacts/router-state.db";

    public static ServerCommandLine Create()
    {
        var d = new RouterOptions();
        return new ServerCommandLine(Description,
        [
            ServerOption.Text("--config", Key(nameof(RouterOptions.Config)), "file", "Routing file (JSON with comments), relative to the working directory.", d.Config),
            ServerOption.Text("--state", Key(nameof(RouterOptions.State)), "file|database",
                $"SQLite file keeping the runtime traffic splits (set by admin calls), per-arm feedback counts and rollouts across restarts. "
                + $"Default: {ExperimentStatePaths.DefaultFileName} beside the routing file; {ExperimentStatePaths.InMemory} keeps them for the life "
                + $"of the process only; {ExperimentStatePaths.Disabled} keeps nothing. A PostgreSQL connection string (Host=...;Database=...) "
                + "or postgres://user:password@host:port/database URI shares them between router replicas: one replica decides rollouts at a time (README)."),
            ServerOption.Text("--host", Key(nameof(RouterOptions.Host)), "address", "IP address to listen on (or localhost); 0.0.0.0 for every interface.", d.Host),
            ServerOption.Int("--port", Key(nameof(RouterOptions.Port)), "port", "Port for gRPC over HTTP/2 (h2c, or TLS with --tls-cert) (0..65535; 0 picks a free one).", d.Port, "a port number (0..65535)"),
            ServerOption.Int("--admin-port", Key(nameof(RouterOptions.AdminPort)), "port", "Separate port for the RouterAdmin service (0..65535; 0 picks a free one); the main port then serves no admin calls. Default: admin on --port.", null, "a port number (0..65535)"),
            ServerOption.Text("--tls-cert", Key(nameof(RouterOptions.TlsCertificate)), "file", "TLS certificate (PEM with --tls-key, or PKCS#12 holding the key): every listener serves HTTP/2 over TLS instead of h2c. Password, if any: Router:TlsPassword."),
            ServerOption.Text("--tls-key", Key(nameof(RouterOptions.TlsKey)), "file", "PEM private key of --tls-cert."),
            ServerOption.Text("--worker-ca", Key(nameof(RouterOptions.WorkerCa)), "file", "PEM authorities that https:// workers' certificates must chain to (default: the machine's trust store)."),
            ServerOption.Text("--worker-cert", Key(nameof(RouterOptions.WorkerCertificate)), "file", "Client certificate presented to https:// workers for mutual TLS (PEM with --worker-key, or PKCS#12). Password, if any: Router:WorkerPassword."),
            ServerOption.Text("--worker-key", Key(nameof(RouterOptions.WorkerKey)), "file", "PEM private key of --worker-cert."),
            ServerOption.Int("--admin-max-failures", "Router:AdminSecurity:MaxFailures", "count", "Failed admin token checks per caller address within the window before it is locked out for a window (1..1000).", new AdminSecurityOptions().MaxFailures, "a whole number (1..1000)"),
            ServerOption.Int("--admin-failure-window-s", "Router:AdminSecurity:FailureWindowSeconds", "seconds", "Window of the admin failure count, and the lockout's length (1..86400).", new AdminSecurityOptions().FailureWindowSeconds, "a whole number of seconds (1..86400)"),
            ServerOption.Flag("--admin-protect-reads", "Router:AdminSecurity:ProtectReads", "Require the admin token for GetConfig and GetStatistics too.", new AdminSecurityOptions().ProtectReads),
            ServerOption.Int("--http-port", Key(nameof(RouterOptions.HttpPort)), "port", "Port for the REST binding (HTTP/1.1, JSON; 0..65535, 0 picks a free one). Default: off.", d.HttpPort, "a port number (0..65535)"),
            ServerOption.Flag("--watch", Key(nameof(RouterOptions.Watch)), "Watch the routing file and hot-reload it (a bad version is logged and the last good one keeps serving).", d.Watch),
            ServerOption.Int("--ledger-capacity", Key(nameof(RouterOptions.LedgerCapacity)), "count", "Recent request ids remembered for feedback (1 or more).", d.LedgerCapacity, "a whole number (1 or more)"),
            ServerOption.Flag("--warmup", Key(nameof(RouterOptions.Warmup)), "Warm every member endpoint up (connections, real ModelInfer calls) before listening, and endpoints a reload adds.", d.Warmup),
            ServerOption.Int("--warmup-timeout-ms", Key(nameof(RouterOptions.WarmupTimeoutMs)), "ms", "Bound on one endpoint's whole warm-up; endpoints warm up in parallel (1 or more).", d.WarmupTimeoutMs, "a whole number of milliseconds (1 or more)"),
            ServerOption.Int("--warmup-calls", Key(nameof(RouterOptions.WarmupCalls)), "count", "Warm-up ModelInfer calls per endpoint and model (1 or more).", d.WarmupCalls, "a whole number (1 or more)"),
            .. TelemetryCommandLine.Options(),
        ]);
    }

    /// <summary>Parses <paramref name="args"/>; problems are in the result, nothing is thrown or printed.</summary>
    public static CommandLineParse Parse(IReadOnlyList<string> args) => Create().Parse(args);

    private static string Key(string name) => $"{RouterOptions.SectionName}:{name}";
}
