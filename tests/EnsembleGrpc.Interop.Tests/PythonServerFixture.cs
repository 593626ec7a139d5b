using System.Text.Json;
using Grpc.Net.Client;
using EnsembleGrpc.Interop.Tests.Protos;
using EnsembleGrpc.Interop.Tests.Infrastructure;
using Grpc.Core;

namespace EnsembleGrpc.Interop.Tests;

/// <summary>
/// One python grpcio TestService server (tests/interop/interop_server.py) for the "our client → python server" tests,
/// with a receive limit slightly above 4 MiB, and our channel to it.
/// </summary>
public sealed class PythonServerFixture : IAsyncLifetime
{
    public const int FourMiB = 4 * 1024 * 1024;

    /// <summary>Both sides accept a 4 MiB payload plus its protobuf and framing overhead, and not much more.</summary>
    public const int MessageLimit = FourMiB + 64 * 1024;

    public static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(15);

    private PeerProcess? _server;

    internal PeerProcess Server => _server ?? throw new InvalidOperationException("Not started.");

    public int Port { get; private set; }

    public string Address => $"http://127.0.0.1:{Port}";

    public GrpcChannel Channel { get; private set; } = null!;

    public TestService.TestServiceClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var env = await PythonEnvironment.GetAsync();
        _server = PeerProcess.StartPython("interop_server.py", [
            "--gen-dir", env.GeneratedDir,
            "--max-receive", MessageLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--max-send", (16 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ]);
        var (listening, _) = await _server.WaitForEventAsync("listening", TimeSpan.FromSeconds(30));
        Port = listening.GetProperty("port").GetInt32();
        Channel = GrpcChannel.ForAddress(Address, new GrpcChannelOptions { MaxReceiveMessageSize = MessageLimit });
        Client = new TestService.TestServiceClient(Channel);
    }

    /// <summary>Another channel to the python server with its own options (disposed by the caller).</summary>
    public GrpcChannel CreateChannel(GrpcChannelOptions options) => GrpcChannel.ForAddress(Address, options);

    /// <summary>Waits for the server's {"event": kind, "call_id": id} line.</summary>
    public Task<(JsonElement Line, int Index)> WaitForCallEventAsync(string kind, string callId) =>
        Server.WaitForEventAsync(kind, EventTimeout, e => e.TryGetProperty("call_id", out var id) && id.GetString() == callId);

    /// <summary>Waits for any of several event kinds for this call id; returns the kind seen.</summary>
    public async Task<string> WaitForEndEventAsync(string callId)
    {
        var (line, _) = await Server.WaitForAsync(
            e => e.ValueKind == JsonValueKind.Object
                 && e.TryGetProperty("call_id", out var id) && id.GetString() == callId
                 && e.TryGetProperty("event", out var ev) && ev.GetString() is "cancelled" or "deadline",
            EventTimeout);
        return line.GetProperty("event").GetString()!;
    }

    public async Task DisposeAsync()
    {
        Channel?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
