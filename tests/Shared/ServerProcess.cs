using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace EnsembleGrpc.Tests.Shared;

/// <summary>
/// A server started the way a user starts it, <c>dotnet &lt;dll&gt; args</c> from the repository root, with its stdout and
/// stderr collected line by line. Every wait is bounded; the process is killed on dispose if still running.
/// One source file linked into each test project that starts servers as processes (tests/Shared).
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly List<string> _errors = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];
    private int _disposed;

    private ServerProcess(Process process) => _process = process;

    public IReadOnlyList<string> Output => Snapshot(_output);

    /// <summary>The process id, for signals a test sends it (e.g. SIGSTOP to stall a worker).</summary>
    public int Id => _process.Id;

    public IReadOnlyList<string> Errors => Snapshot(_errors);

    /// <summary>Whether the process has ended (a crash, for a server that should still run).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The repository root: the first folder above the test assembly that holds EnsembleGrpc.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EnsembleGrpc.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No EnsembleGrpc.sln above {AppContext.BaseDirectory}");
    }

    public static ServerProcess Start(string dll, params string[] args) => StartIn(null, dll, args);

    /// <summary>
    /// Like <see cref="Start"/>, inside the Linux network namespace <paramref name="netns"/> when given: <c>ip netns exec</c>
    /// enters it and then execs dotnet, so the process id is the server's own.
    /// </summary>
    public static ServerProcess StartIn(string? netns, string dll, params string[] args) =>
        StartProgramIn(netns, "dotnet", [Path.Combine(AppContext.BaseDirectory, dll), .. args]);

    /// <summary>Any program (a helper the test built, say), started and watched like a server, in <paramref name="netns"/> when given.</summary>
    public static ServerProcess StartProgramIn(string? netns, string program, params string[] args)
    {
        var info = new ProcessStartInfo(netns is null ? program : "ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot(),
        };
        string[] prefix = netns is null ? [] : ["netns", "exec", netns, program];
        foreach (var arg in prefix.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }

        var server = new ServerProcess(new Process { StartInfo = info });
        server._process.OutputDataReceived += (_, e) => server.Add(server._output, e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Add(server._errors, e.Data);
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        return server;
    }

    /// <summary>The first stdout line (already written or still to come) that <paramref name="match"/> accepts.</summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match)
    {
        lock (_output)
        {
            if (_output.FirstOrDefault(match) is { } line)
            {
                return Task.FromResult(line);
            }

            var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, found));
            return found.Task.WaitAsync(Timeout);
        }
    }

    /// <summary>The port from Kestrel's first "Now listening on" line (text or JSON log), on any IPv4 address.</summary>
    public async Task<int> ListeningPortAsync()
    {
        var line = await WaitForLineAsync(l => ListeningOn().IsMatch(l));
        return int.Parse(ListeningOn().Match(line).Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>Waits (bounded) for the exit and for the end of its output; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(Timeout);
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, as a service manager or Ctrl-C stops it, then <see cref="WaitForExitAsync"/>.</summary>
    public async Task<int> StopAsync()
    {
        using (var kill = Process.Start(new ProcessStartInfo("kill", $"-TERM {_process.Id}") { UseShellExecute = false })!)
        {
            await kill.WaitForExitAsync().WaitAsync(Timeout);
        }

        return await WaitForExitAsync();
    }

    /// <summary>Kills the process if still running; a second call (a test that killed it early, then its using) does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(Timeout);
        }

        _process.Dispose();
    }

    private static List<string> Snapshot(List<string> lines)
    {
        lock (lines)
        {
            return [.. lines];
        }
    }

    private void Add(List<string> lines, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (lines)
        {
            lines.Add(line);
            if (!ReferenceEquals(lines, _output))
            {
                return;
            }

            foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
            {
                waiter.Found.TrySetResult(line);
                _waiters.Remove(waiter);
            }
        }
    }

    [GeneratedRegex(@"Now listening on: http://\d+\.\d+\.\d+\.\d+:(\d+)")]
    private static partial Regex ListeningOn();
}
