using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace InferenceBench;

/// <summary>
/// A process the benchmark starts: its id goes to the pid file (bench/inference.sh kills what is left there on exit),
/// its output is drained (kept as a tail for error messages), every wait is bounded, and disposal stops it
/// (SIGTERM, then SIGKILL after a grace period).
/// </summary>
internal sealed partial class ChildProcess : IAsyncDisposable
{
    private const int TailLines = 60;
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;
    private readonly StringBuilder? _stdout;
    private readonly Action<string>? _onStdoutLine;

    private ChildProcess(Process process, string name, bool captureStdout, Action<string>? onStdoutLine)
    {
        _process = process;
        Name = name;
        _stdout = captureStdout ? new StringBuilder() : null;
        _onStdoutLine = onStdoutLine;
        _stdoutPump = PumpAsync(process.StandardOutput, isStdout: true);
        _stderrPump = PumpAsync(process.StandardError, isStdout: false);
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>CPU time the process has used so far (user + system, every thread).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>The whole stdout, when started with captureStdout.</summary>
    public string Stdout
    {
        get
        {
            lock (_tail)
            {
                return _stdout?.ToString() ?? string.Empty;
            }
        }
    }

    /// <summary>The last lines of stdout and stderr together.</summary>
    public string Tail
    {
        get
        {
            lock (_tail)
            {
                return string.Join('\n', _tail);
            }
        }
    }

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, string? pidFile,
        IDictionary<string, string>? environment = null, bool captureStdout = false, string? workingDirectory = null,
        Action<string>? onStdoutLine = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        if (pidFile is not null)
        {
            File.AppendAllText(pidFile, $"{process.Id}\n");
        }

        return new ChildProcess(process, name, captureStdout, onStdoutLine);
    }

    /// <summary>Waits for Kestrel's "Now listening on: http://127.0.0.1:PORT" line.</summary>
    public async Task<Uri> WaitListeningAsync(TimeSpan timeout)
    {
        var exited = _process.WaitForExitAsync();
        var done = await Task.WhenAny(_listening.Task, exited, Task.Delay(timeout)).ConfigureAwait(false);
        if (done == _listening.Task)
        {
            return await _listening.Task.ConfigureAwait(false);
        }

        var why = done == exited ? $"exited with code {_process.ExitCode}" : $"printed no 'Now listening on' line within {timeout.TotalSeconds:0} s";
        throw new InvalidOperationException($"{Name} {why}. Last output:\n{Tail}");
    }

    /// <summary>Waits for the process to exit; kills it (and fails) when it runs past <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await StopAsync(TimeSpan.FromSeconds(3)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"{Name} ran past its limit of {timeout.TotalSeconds:0} s and was stopped. Last output:\n{Tail}");
        }

        await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>SIGTERM (a graceful stop: LoadGen still writes its report, a server drains), then SIGKILL after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        _ = Kill(_process.Id, SigTerm);
        using var cts = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // exited meanwhile
            }

            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // the pumps end with the process; nothing more to wait for
        }
        finally
        {
            _process.Dispose();
        }
    }

    private async Task PumpAsync(StreamReader reader, bool isStdout)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (_tail)
            {
                _tail.Enqueue(line);
                if (_tail.Count > TailLines)
                {
                    _tail.Dequeue();
                }

                if (isStdout)
                {
                    _stdout?.AppendLine(line);
                }
            }

            if (isStdout)
            {
                // Called on the pump as each line arrives: LoadGen's step boundaries are timed by it.
                _onStdoutLine?.Invoke(line);
            }

            if (isStdout && !_listening.Task.IsCompleted && ListeningLine().Match(line) is { Success: true } match)
            {
                _listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        }
    }

    private const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [GeneratedRegex(@"Now listening on:\s*(http://[0-9.]+:\d+)")]
    private static partial Regex ListeningLine();
}
