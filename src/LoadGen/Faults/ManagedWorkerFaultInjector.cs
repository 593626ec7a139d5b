using System.Diagnostics;

namespace EnsembleGrpc.LoadGen.Faults;

/// <summary>
/// Starts a worker from a command line before the run and breaks it during the fault window: <c>pause</c> sends
/// SIGSTOP / SIGCONT (connections stay open, requests hang), <c>stop</c> kills it and starts it again (connections
/// are refused). The worker counts as up once it prints a line containing <see cref="ReadyMarker"/>.
/// </summary>
public sealed class ManagedWorkerFaultInjector(string name, string commandLine, FaultAction action, TimeSpan readyTimeout) : IFaultInjector
{
    public const string ReadyMarker = "Now listening on";

    private Process? _process;

    public string Description => $"{(action == FaultAction.Pause ? "pause" : "stop")} worker '{name}' ({commandLine})";

    public int? ProcessId => _process?.Id;

    public Task PrepareAsync(CancellationToken cancellationToken) => StartAsync(cancellationToken);

    public Task BeginAsync(CancellationToken cancellationToken)
    {
        var process = _process ?? throw new InvalidOperationException($"worker '{name}' is not running");
        if (action == FaultAction.Pause)
        {
            return PauseAsync(process.Id, cancellationToken);
        }

        process.Kill(entireProcessTree: true);
        return process.WaitForExitAsync(cancellationToken);
    }

    private static async Task PauseAsync(int pid, CancellationToken cancellationToken)
    {
        await ShellCommand.RunAsync($"kill -STOP {pid}", cancellationToken).ConfigureAwait(false);
        await ProcessStopState.WaitAsync(pid, stopped: true, cancellationToken).ConfigureAwait(false);
    }

    private static async Task ContinueAsync(int pid, CancellationToken cancellationToken)
    {
        await ShellCommand.RunAsync($"kill -CONT {pid}", cancellationToken).ConfigureAwait(false);
        await ProcessStopState.WaitAsync(pid, stopped: false, cancellationToken).ConfigureAwait(false);
    }

    public Task EndAsync(CancellationToken cancellationToken)
    {
        if (action == FaultAction.Pause)
        {
            return _process is { } process ? ContinueAsync(process.Id, cancellationToken) : Task.CompletedTask;
        }

        return StartAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            try
            {
                if (!process.HasExited)
                {
                    if (action == FaultAction.Pause)
                    {
                        await ShellCommand.RunAsync($"kill -CONT {process.Id}", CancellationToken.None).ConfigureAwait(false);
                    }

                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync().ConfigureAwait(false);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.Dispose();
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        _process?.Dispose();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = ShellCommand.StartInfo("exec " + commandLine, redirect: true), EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains(ReadyMarker, StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"worker '{name}' exited before it was ready"));
        if (!process.Start())
        {
            throw new InvalidOperationException($"could not start worker '{name}': {commandLine}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await ready.Task.WaitAsync(readyTimeout, cancellationToken).ConfigureAwait(false);
    }
}

public enum FaultAction
{
    Pause,
    Stop,
}
