using System.Globalization;
using System.Text.Json;
using EnsembleGrpc.Interop.Tests.TestServices;
using EnsembleGrpc.Interop.Tests.Infrastructure;

namespace EnsembleGrpc.Interop.Tests;

/// <summary>
/// "python client → our server": starts our TestServer (real Kestrel, 127.0.0.1:0) in-process and runs every case of
/// tests/interop/interop_client.py in ONE python process (startup is the expensive part), collecting one JSON result
/// per case. Cases that must observe the server's handler (deadline, cancellation) get a server of their own, because
/// a <see cref="TestServiceProbe"/> records the first call of its server.
/// </summary>
public sealed class PythonClientFixture : IAsyncLifetime
{
    public const int FourMiB = 4 * 1024 * 1024;

    /// <summary>Our server's receive limit: a 4 MiB payload plus protobuf and framing overhead fits, little more does.</summary>
    public const int ServerLimit = FourMiB + 64 * 1024;

    public static readonly TimeSpan HandlerTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Every case the python client runs with "--cases all" (tests/interop/interop_client.py ALL).</summary>
    public static readonly string[] AllCases =
    [
        "success", "error_non_ascii", "unknown_exception", "deadline", "deadline_propagated", "no_deadline",
        "cancel_unary", "cancel_stream", "big_both_ways", "too_big_request", "too_big_reply", "unimplemented_method",
        "unimplemented_service", "metadata", "metadata_on_error", "stream_ok", "stream_error", "gzip",
    ];

    private readonly Dictionary<string, JsonElement> _results = new(StringComparer.Ordinal);
    private readonly List<TestServer> _servers = [];

    public TestServer Main { get; private set; } = null!;

    public TestServer DeadlineServer { get; private set; } = null!;

    public TestServer CancelUnaryServer { get; private set; } = null!;

    public TestServer CancelStreamServer { get; private set; } = null!;

    public int PythonExitCode { get; private set; } = -1;

    public string PythonDiagnostics { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var env = await PythonEnvironment.GetAsync();
        Main = await StartServerAsync();
        DeadlineServer = await StartServerAsync();
        CancelUnaryServer = await StartServerAsync();
        CancelStreamServer = await StartServerAsync();

        static string Target(TestServer s) => "127.0.0.1:" + s.Port.ToString(CultureInfo.InvariantCulture);
        await using var python = PeerProcess.StartPython("interop_client.py", [
            "--target", Target(Main),
            "--gen-dir", env.GeneratedDir,
            "--cases", "all",
            "--big-size", FourMiB.ToString(CultureInfo.InvariantCulture),
            "--too-big-size", (ServerLimit + 1).ToString(CultureInfo.InvariantCulture),
            "--sync",
            "--case-target", "deadline=" + Target(DeadlineServer),
            "--case-target", "cancel_unary=" + Target(CancelUnaryServer),
            "--case-target", "cancel_stream=" + Target(CancelStreamServer),
        ]);

        var next = 0;
        while (_results.Count < AllCases.Length)
        {
            var (line, index) = await python.WaitForAsync(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("case", out _), TimeSpan.FromSeconds(60), next);
            next = index + 1;
            var name = line.GetProperty("case").GetString()!;
            if (line.TryGetProperty("event", out var ev) && ev.GetString() == "await")
            {
                // The python client holds its call until our handler has it: then it cancels.
                var server = name switch
                {
                    "cancel_unary" => CancelUnaryServer,
                    _ => throw new InvalidOperationException("unexpected await for " + name),
                };
                await server.Probe.HandlerStarted.Task.WaitAsync(HandlerTimeout);
                await python.WriteLineAsync("go");
                continue;
            }

            _results[name] = line;
        }

        PythonExitCode = await python.WaitForExitAsync(TimeSpan.FromSeconds(30));
        PythonDiagnostics = python.Diagnostics();
    }

    /// <summary>The python client's result line for a case.</summary>
    public JsonElement Result(string name) =>
        _results.TryGetValue(name, out var r) ? r : throw new InvalidOperationException($"no result for case {name}.{PythonDiagnostics}");

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }

    private async Task<TestServer> StartServerAsync()
    {
        var server = await TestServer.StartAsync(configureGrpc: o =>
        {
            o.MaxReceiveMessageSize = ServerLimit;
            o.MaxSendMessageSize = ServerLimit;
        });
        _servers.Add(server);
        return server;
    }
}
