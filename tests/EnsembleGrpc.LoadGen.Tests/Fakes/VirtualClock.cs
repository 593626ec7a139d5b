using EnsembleGrpc.LoadGen.Load;

namespace EnsembleGrpc.LoadGen.Tests.Fakes;

/// <summary>
/// A discrete-event clock in nanoseconds: waits queue up by due time, and <see cref="RunUntil"/> jumps from one due
/// time to the next, completing waiters inline on the test's thread. Nothing sleeps; runs are deterministic.
/// With <see cref="SpinBelow"/> it behaves like <see cref="SystemLoadClock"/> below timer resolution: a shorter
/// wait does not suspend, it advances time and completes synchronously (a spin).
/// </summary>
internal sealed class VirtualClock : LoadClock
{
    private readonly PriorityQueue<(TaskCompletionSource Done, CancellationTokenRegistration Registration), (long Due, long Sequence)> _waiters = new();
    /// <summary>Spinning waits between two events after which a loop is taken to never hand control back.</summary>
    public const int MaxSpinsWithoutSuspend = 10_000;

    private long _now;
    private long _sequence;
    private int _spins;

    public VirtualClock()
        : base(0)
    {
    }

    public override long Now => _now;

    public override long Frequency => 1_000_000_000;

    /// <summary>Waits shorter than this spin (complete synchronously, advancing time); zero: every wait suspends.</summary>
    public TimeSpan SpinBelow { get; init; }

    public static long Ms(double milliseconds) => (long)Math.Round(milliseconds * 1e6);

    public override ValueTask WaitUntilAsync(long timestamp, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        if (timestamp <= _now)
        {
            return ValueTask.CompletedTask;
        }

        if (timestamp - _now < Ms(SpinBelow.TotalMilliseconds))
        {
            if (++_spins > MaxSpinsWithoutSuspend)
            {
                throw new InvalidOperationException($"{_spins} waits in a row spun without suspending: the loop never hands control back");
            }

            _now = timestamp;
            return ValueTask.CompletedTask;
        }

        return Suspend(timestamp, cancellationToken);
    }

    /// <summary>Queues a wait at the current time: it completes when <see cref="RunUntil"/> gets to it.</summary>
    public override ValueTask YieldAsync(CancellationToken cancellationToken)
        => cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled(cancellationToken) : Suspend(_now, cancellationToken);

    private ValueTask Suspend(long timestamp, CancellationToken cancellationToken)
    {
        // No RunContinuationsAsynchronously: continuations run inline when RunUntil completes the waiter.
        var done = new TaskCompletionSource();
        var registration = cancellationToken.Register(() => done.TrySetCanceled(cancellationToken));
        _waiters.Enqueue((done, registration), (timestamp, _sequence++));
        return new ValueTask(done.Task);
    }

    /// <summary>Advances virtual time event by event until <paramref name="task"/> completes.</summary>
    public void RunUntil(Task task, TimeSpan? limit = null)
    {
        var max = Ms((limit ?? TimeSpan.FromHours(1)).TotalMilliseconds);

        // Continuations only run inline where no SynchronizationContext is installed (xunit installs one).
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            Drive(task, max);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    private void Drive(Task task, long max)
    {
        while (!task.IsCompleted)
        {
            if (!_waiters.TryDequeue(out var waiter, out var due))
            {
                throw new InvalidOperationException($"nothing scheduled at {_now} ns but the task has not completed");
            }

            if (waiter.Done.Task.IsCompleted)
            {
                continue; // cancelled while waiting
            }

            _now = Math.Max(_now, due.Due);
            if (_now > max)
            {
                throw new InvalidOperationException("virtual time limit exceeded");
            }

            waiter.Registration.Dispose();
            _spins = 0; // control came back here: whatever spun before did hand it back
            waiter.Done.TrySetResult();
        }
    }

    /// <summary>Runs <paramref name="task"/> to completion in virtual time and returns its result.</summary>
    public T Run<T>(Task<T> task, TimeSpan? limit = null)
    {
        RunUntil(task, limit);
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Runs <paramref name="task"/> to completion in virtual time and rethrows its failure.</summary>
    public void Run(Task task, TimeSpan? limit = null)
    {
        RunUntil(task, limit);
        task.GetAwaiter().GetResult();
    }

    /// <summary>Cancels <paramref name="source"/> when virtual time reaches <paramref name="at"/>.</summary>
    public async Task CancelAt(TimeSpan at, CancellationTokenSource source)
    {
        await WaitUntilAsync(Ms(at.TotalMilliseconds), CancellationToken.None).ConfigureAwait(false);
        source.Cancel();
    }
}
