using System.Diagnostics;
using System.Runtime.InteropServices;

namespace EnsembleGrpc.LoadGen.Load;

/// <summary>
/// Wakes waiters at monotonic timestamps to within tens of microseconds without keeping a core busy: one background
/// thread sleeps with <c>clock_nanosleep</c> (Linux high-resolution timers) until <see cref="SpinGuard"/> before the
/// earliest due time, spins the rest, and completes the waiter on its own thread, so that the waiter's next step
/// (an open-loop send) leaves on time instead of after a thread-pool wake-up.
/// </summary>
/// <remarks>
/// Why: .NET timers have millisecond resolution, so the open loop used to spin through the last 1.5 ms before every
/// send. Above about 700 requests/s gaps are shorter than that and the generator spun all the time, taking a whole core
/// from the servers it measured on a small machine (on 2 cores, half of the CPU the router and its workers had). Waits
/// here are short (the clock sleeps the whole milliseconds before handing over), so a cancelled wait is answered when
/// it falls due rather than at once.
/// </remarks>
internal sealed partial class PreciseSleeper
{
    /// <summary>The process's sleeper; null where <c>clock_nanosleep</c> is not available (the clock then spins).</summary>
    public static PreciseSleeper? Shared { get; } = OperatingSystem.IsLinux() ? new PreciseSleeper() : null;

    /// <summary>Spun, not slept, before a due time: covers the kernel's default timer slack (50 µs) and a wake-up.</summary>
    public static readonly TimeSpan SpinGuard = TimeSpan.FromMicroseconds(100);

    // A sleep is at most this long, so that a waiter due earlier than the one slept for is served late by no more.
    private static readonly long MaxSleepNs = 1_000_000;
    private const int ClockMonotonic = 1;

    private readonly Lock _gate = new();
    private readonly PriorityQueue<(TaskCompletionSource Done, CancellationToken Token), long> _due = new();
    private readonly SemaphoreSlim _added = new(0);
    private readonly long _guardTicks = (long)(SpinGuard.TotalSeconds * Stopwatch.Frequency);
    private bool _idle;

    private PreciseSleeper()
    {
        new Thread(Run) { IsBackground = true, Name = "loadgen precise sleeper", Priority = ThreadPriority.AboveNormal }.Start();
    }

    /// <summary>Completes once <see cref="Stopwatch.GetTimestamp"/> has reached <paramref name="timestamp"/>.</summary>
    public Task WaitUntilAsync(long timestamp, CancellationToken cancellationToken)
    {
        // Continuations run on the sleeper's thread, on time; the waiter's code there must be short (a send's start).
        var done = new TaskCompletionSource();
        bool wake;
        lock (_gate)
        {
            _due.Enqueue((done, cancellationToken), timestamp);
            wake = _idle;
            _idle = false;
        }

        if (wake)
        {
            _added.Release();
        }

        return done.Task;
    }

    private void Run()
    {
        while (true)
        {
            (TaskCompletionSource Done, CancellationToken Token) next = default;
            long due = 0;
            bool idle = false;
            lock (_gate)
            {
                if (!_due.TryPeek(out next, out due))
                {
                    _idle = idle = true;
                }
                else if (due - Stopwatch.GetTimestamp() <= _guardTicks)
                {
                    _due.Dequeue();
                }
                else
                {
                    next = default;
                }
            }

            if (idle)
            {
                _added.Wait();
            }
            else if (next.Done is null)
            {
                Sleep(due - _guardTicks - Stopwatch.GetTimestamp());
            }
            else
            {
                Complete(next.Done, next.Token, due);
            }
        }
    }

    private static void Complete(TaskCompletionSource done, CancellationToken token, long due)
    {
        var spinner = default(SpinWait);
        while (Stopwatch.GetTimestamp() < due && !token.IsCancellationRequested)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }

        if (token.IsCancellationRequested)
        {
            done.TrySetCanceled(token);
        }
        else
        {
            done.TrySetResult();
        }
    }

    private static void Sleep(long ticks)
    {
        long ns = Math.Min(MaxSleepNs, (long)(ticks * (1e9 / Stopwatch.Frequency)));
        if (ns <= 0)
        {
            return;
        }

        var request = new Timespec { Seconds = ns / 1_000_000_000, Nanoseconds = ns % 1_000_000_000 };
        // An interrupted sleep (EINTR) returns early: the loop looks at the clock again either way.
        _ = ClockNanosleep(ClockMonotonic, 0, ref request, IntPtr.Zero);
    }

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanosleep(int clockId, int flags, ref Timespec request, IntPtr remain);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
