namespace EnsembleGrpc.LoadGen.Faults;

/// <summary>
/// Waits until the kernel shows a process stopped (or running again) after SIGSTOP (SIGCONT). `kill` returns once the
/// signal is queued; every thread of a busy process must still take it, so a fault that "began" at `kill` could still
/// answer for a moment, and the fault timeline would start early.
/// </summary>
internal static class ProcessStopState
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    public static async Task WaitAsync(int pid, bool stopped, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (State(pid) is { } state && (state is 'T' or 't') != stopped && DateTime.UtcNow < deadline)
        {
            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The state letter of /proc/PID/stat (after the parenthesised name), or null where there is none.</summary>
    private static char? State(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            int end = stat.LastIndexOf(')');
            return end >= 0 && end + 2 < stat.Length ? stat[end + 2] : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
