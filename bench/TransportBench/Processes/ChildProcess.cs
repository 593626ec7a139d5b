using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace TransportBench.Processes;

/// <summary>A child process whose stdout is JSON lines; the lines are the synchronisation (no sleeps), every wait bounded.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Threading.Channels.Channel<JsonElement> _lines = System.Threading.Channels.Channel.CreateUnbounded<JsonElement>();
    private readonly StringBuilder _stderr = new();
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;

    private ChildProcess(Process process, string description)
    {
        _process = process;
        Description = description;
        _stdoutPump = Task.Run(async () =>
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                try
                {
                    using var doc = JsonDocument.Parse(line);
                    _lines.Writer.TryWrite(doc.RootElement.Clone());
                }
                catch (JsonException)
                {
                    Console.Error.WriteLine($"[{description}] {line}");
                }
            }

            _lines.Writer.TryComplete();
        });
        _stderrPump = Task.Run(async () =>
        {
            while (await _process.StandardError.ReadLineAsync() is { } line)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(line);
                }
            }
        });
    }

    public string Description { get; }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, IDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = new UTF8Encoding(false),
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        if (environment is not null)
        {
            foreach (var (k, v) in environment)
            {
                if (v is null)
                {
                    info.Environment.Remove(k);
                }
                else
                {
                    info.Environment[k] = v;
                }
            }
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        return new ChildProcess(process, Path.GetFileName(fileName) + " " + string.Join(' ', info.ArgumentList));
    }

    /// <summary>The next stdout line whose "event" (or "mode") is one of <paramref name="names"/>; other lines are skipped.</summary>
    public async Task<JsonElement> NextAsync(TimeSpan timeout, params string[] names)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(cts.Token);
                var name = line.TryGetProperty("event", out var e) ? e.GetString()
                    : line.TryGetProperty("mode", out var m) ? m.GetString() : null;
                if (name is not null && names.Contains(name))
                {
                    return line;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Description}: no {string.Join('/', names)} line within {timeout.TotalSeconds:0} s.\n{Stderr}");
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            throw new InvalidOperationException($"{Description} exited before a {string.Join('/', names)} line.\n{Stderr}");
        }
    }

    public async Task SendAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _process.Dispose();
    }
}
