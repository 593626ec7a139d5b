using System.Text.Json;
using TransportBench.Measurement;

namespace TransportBench.Processes;

/// <summary>
/// A bench server in its own process (ours, or the old layer's `TransportBench.dll server` of an earlier commit): both
/// speak the same stdin/stdout JSON-lines protocol (see <see cref="Server.ServerMode"/>).
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ControlTimeout = TimeSpan.FromSeconds(30);
    private readonly ChildProcess _child;

    private ServerProcess(ChildProcess child, string label, int port, bool serverGc)
    {
        _child = child;
        Label = label;
        Port = port;
        ServerGc = serverGc;
    }

    public string Label { get; }

    public int Port { get; }

    public bool ServerGc { get; }

    public string Address => $"http://127.0.0.1:{Port}";

    /// <summary>Starts `<paramref name="command"/> server` and waits (bounded) for its "listening" line.</summary>
    public static async Task<ServerProcess> StartAsync(string label, DotnetCommand command)
    {
        var child = ChildProcess.Start(command.FileName, [.. command.Arguments, "server"]);
        try
        {
            var listening = await child.NextAsync(StartTimeout, "listening");
            var serverGc = listening.TryGetProperty("server_gc", out var gc) && gc.ValueKind == JsonValueKind.True;
            return new ServerProcess(child, label, listening.GetProperty("port").GetInt32(), serverGc);
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
    }

    public async Task<ServerStats> StatsAsync()
    {
        await _child.SendAsync("stats");
        var s = await _child.NextAsync(ControlTimeout, "stats");
        return new ServerStats(s.GetProperty("allocated").GetInt64(), s.GetProperty("calls").GetInt64(), s.GetProperty("cpu_ms").GetDouble());
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _child.SendAsync("quit");
        }
        catch (IOException)
        {
            // Already gone: DisposeAsync below reaps it.
        }

        await _child.DisposeAsync();
    }
}
