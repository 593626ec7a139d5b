using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace EnsembleGrpc.Interop.Tests.Infrastructure;

/// <summary>
/// A peer of the interop tests run as a child process: a python script (/usr/bin/python3, which sees Debian's
/// python3-grpcio) or a node script (node from PATH, with tests/interop/node/node_modules). Its stdout is one
/// JSON object per line; every line is kept, and callers wait for the line they need with a bounded timeout, so the
/// lines are the only synchronisation (no sleeps). Disposing closes stdin (the peers exit on EOF) and kills the
/// process tree if it has not exited within a few seconds.
/// </summary>
internal sealed class PeerProcess : IAsyncDisposable
{
    public const string Python = "/usr/bin/python3";

    private readonly Process _process;
    private readonly List<JsonElement> _lines = [];
    private readonly StringBuilder _stderr = new();
    private readonly object _gate = new();
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;
    private TaskCompletionSource _changed = NewSignal();
    private bool _stdoutClosed;

    private PeerProcess(Process process)
    {
        _process = process;
        _stdoutPump = Task.Run(PumpStdoutAsync);
        _stderrPump = Task.Run(PumpStderrAsync);
    }

    public string Description { get; private init; } = string.Empty;

    public bool HasExited => _process.HasExited;

    /// <summary>Runs tests/interop/<paramref name="script"/> with Debian's python.</summary>
    public static PeerProcess StartPython(string script, IEnumerable<string> arguments)
    {
        var info = NewStartInfo(Python, RepoPaths.InteropDir);
        info.ArgumentList.Add("-u");
        info.ArgumentList.Add(Path.Combine(RepoPaths.InteropDir, script));
        Add(info, arguments);

        // Debian's interpreter with Debian's packages: nothing from pyenv or a virtualenv may leak in.
        info.Environment.Remove("PYTHONPATH");
        info.Environment.Remove("PYTHONHOME");
        info.Environment.Remove("VIRTUAL_ENV");
        info.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        info.Environment["PYTHONIOENCODING"] = "utf-8";
        // C-core must not route 127.0.0.1 through a proxy from the environment.
        info.Environment["no_grpc_proxy"] = "*";
        return Start(info, script, skip: 2);
    }

    /// <summary>Runs tests/interop/node/<paramref name="script"/> with <paramref name="node"/> (see NodeEnvironment).</summary>
    public static PeerProcess StartNode(string node, string script, IEnumerable<string> arguments)
    {
        var info = NewStartInfo(node, RepoPaths.NodeDir);
        info.ArgumentList.Add(Path.Combine(RepoPaths.NodeDir, script));
        Add(info, arguments);
        // grpc-js honours these too: 127.0.0.1 must not go through a proxy from the environment.
        info.Environment["no_grpc_proxy"] = "*";
        info.Environment["NO_PROXY"] = "*";
        return Start(info, script, skip: 1);
    }

    private static ProcessStartInfo NewStartInfo(string fileName, string workingDirectory) => new(fileName)
    {
        RedirectStandardInput = true,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
        StandardOutputEncoding = new UTF8Encoding(false),
        StandardErrorEncoding = new UTF8Encoding(false),
        StandardInputEncoding = new UTF8Encoding(false),
        WorkingDirectory = workingDirectory,
    };

    private static void Add(ProcessStartInfo info, IEnumerable<string> arguments)
    {
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
    }

    private static PeerProcess Start(ProcessStartInfo info, string script, int skip)
    {
        info.Environment.Remove("http_proxy");
        info.Environment.Remove("https_proxy");
        info.Environment.Remove("grpc_proxy");
        info.Environment.Remove("HTTP_PROXY");
        info.Environment.Remove("HTTPS_PROXY");
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {info.FileName} {script}.");
        return new PeerProcess(process) { Description = script + " " + string.Join(' ', info.ArgumentList.Skip(skip)) };
    }

    /// <summary>Everything the process wrote to stderr so far (for failure messages).</summary>
    public string Stderr
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>A snapshot of every stdout line received so far.</summary>
    public IReadOnlyList<JsonElement> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Waits for the first stdout line (from <paramref name="startIndex"/> on) that matches.</summary>
    public async Task<(JsonElement Line, int Index)> WaitForAsync(Func<JsonElement, bool> predicate, TimeSpan timeout, int startIndex = 0)
    {
        using var cts = new CancellationTokenSource(timeout);
        var index = startIndex;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                for (; index < _lines.Count; index++)
                {
                    if (predicate(_lines[index]))
                    {
                        return (_lines[index], index);
                    }
                }

                if (_stdoutClosed)
                {
                    throw new InvalidOperationException($"{Description} closed stdout (exit code {ExitCodeText()}) before the expected line.{Diagnostics()}");
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{Description}: no expected line within {timeout.TotalSeconds:0.#} s.{Diagnostics()}");
            }
        }
    }

    /// <summary>Waits for the line {"event": name, ...} matching the optional extra condition.</summary>
    public Task<(JsonElement Line, int Index)> WaitForEventAsync(string eventName, TimeSpan timeout, Func<JsonElement, bool>? condition = null, int startIndex = 0) =>
        WaitForAsync(
            e => e.ValueKind == JsonValueKind.Object
                 && e.TryGetProperty("event", out var ev) && ev.GetString() == eventName
                 && (condition is null || condition(e)),
            timeout,
            startIndex);

    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits for the process to exit by itself; kills it and throws after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"{Description} did not exit within {timeout.TotalSeconds:0.#} s.{Diagnostics()}");
        }

        await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(TimeSpan.FromSeconds(10));
        return _process.ExitCode;
    }

    public string Diagnostics()
    {
        var lines = Lines;
        var sb = new StringBuilder();
        sb.Append("\n--- stdout (last lines) ---\n");
        foreach (var l in lines.Skip(Math.Max(0, lines.Count - 20)))
        {
            sb.Append(l.GetRawText()).Append('\n');
        }

        var err = Stderr;
        sb.Append("--- stderr (tail) ---\n").Append(err.Length > 4000 ? err[^4000..] : err);
        return sb.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                try
                {
                    _process.StandardInput.Close(); // the peers stop on EOF
                }
                catch (IOException)
                {
                    // already gone
                }

                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await _process.WaitForExitAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    Kill();
                    await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
                }
            }

            await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // a stuck pump must not fail the test run; the process is gone
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // exited meanwhile
        }
    }

    private string ExitCodeText() => _process.HasExited ? _process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "still running";

    private async Task PumpStdoutAsync()
    {
        var reader = _process.StandardOutput;
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                JsonElement element;
                try
                {
                    using var doc = JsonDocument.Parse(line);
                    element = doc.RootElement.Clone();
                }
                catch (JsonException)
                {
                    // Not ours (a stray print): keep it visible as a JSON string.
                    element = JsonSerializer.SerializeToElement(line);
                }

                lock (_gate)
                {
                    _lines.Add(element);
                    Signal();
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _stdoutClosed = true;
                Signal();
            }
        }
    }

    private async Task PumpStderrAsync()
    {
        var buffer = new char[4096];
        var reader = _process.StandardError;
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            lock (_gate)
            {
                _stderr.Append(buffer, 0, read);
            }
        }
    }

    private void Signal()
    {
        var previous = _changed;
        _changed = NewSignal();
        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
