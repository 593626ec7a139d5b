using EnsembleGrpc.LoadGen.Backend;
using EnsembleGrpc.LoadGen.Load;

namespace EnsembleGrpc.LoadGen.Measurement;

/// <summary>
/// Measures one step (perf_analyzer's profiler): runs a load manager, drops the warm-up, swaps the record buffer out
/// at the end of every window, and stops when the last windows agree (or at the window cap, or after a fixed
/// duration). Server statistics are read at the window boundaries, so the server-side delta covers the same windows
/// as the client-side numbers. Every step is bounded in time (<see cref="MeasurementOptions.StepTimeLimit"/>): one
/// that cannot finish ends there, drops its requests in flight, and says why it has no stable window.
/// </summary>
public sealed class StepRunner(LoadClock clock, MeasurementOptions options, ServerStatisticsReader server, IRunObserver observer)
{
    private readonly RecordAnalyzer _analyzer = new(clock, options.LateThreshold);

    public RecordAnalyzer Analyzer => _analyzer;

    /// <summary>Measures until stable or the window cap; the summary covers the last windows compared.</summary>
    public Task<StepMeasurement> MeasureAsync(ILoadManager load, StepDescriptor step, CancellationToken abort)
    {
        var criteria = options.Stability;
        return RunAsync(load, step, criteria.MaxWindows, criteria.IsDone, criteria.IsStable, keep: criteria.WindowsToCompare, abort);
    }

    /// <summary>Measures for a fixed duration (fault scenarios); the summary covers all of it.</summary>
    /// <param name="sidecar">Started when measurement is about to start, given its start timestamp (a fault schedule); awaited before the summary.</param>
    /// <param name="finished">Ends the step early, at the first window end where it says so (a rollout that has finished).</param>
    public Task<StepMeasurement> MeasureForAsync(ILoadManager load, StepDescriptor step, TimeSpan duration, CancellationToken abort, Func<long, CancellationToken, Task>? sidecar = null, Func<bool>? finished = null)
    {
        var windows = Math.Max(1, (int)Math.Ceiling(duration / options.Window));
        return RunAsync(load, step, windows, w => w.Count >= windows || finished?.Invoke() == true, _ => true, keep: int.MaxValue, abort, sidecar);
    }

    private async Task<StepMeasurement> RunAsync(
        ILoadManager load,
        StepDescriptor step,
        int maxWindows,
        Func<IReadOnlyList<WindowSummary>, bool> done,
        Func<IReadOnlyList<WindowSummary>, bool> stable,
        int keep,
        CancellationToken abort,
        Func<long, CancellationToken, Task>? sidecar = null)
    {
        observer.StepStarted(step.Label, maxWindows);
        var limit = options.StepTimeLimit(maxWindows);
        var start = clock.Now;
        var run = new Run(start + clock.ToTicks(options.Warmup), start + clock.ToTicks(limit), keep);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(abort);
        using var inFlight = CancellationTokenSource.CreateLinkedTokenSource(abort);
        var loadTask = load.RunAsync(run.Buffer, stop.Token, inFlight.Token);
        var sidecarTask = sidecar?.Invoke(run.MeasureStart, abort) ?? Task.CompletedTask;
        try
        {
            await MeasureWindowsAsync(run, step, done, stable, abort).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            run.Aborted = true;
            run.KeepPartialWindow(_analyzer, clock);
        }

        // Synchronous on purpose: with a virtual clock everything stays on the caller's thread.
        stop.Cancel();
        await DrainAsync(loadTask, run.Deadline, inFlight).ConfigureAwait(false);
        run.Buffer.Close();
        try
        {
            await sidecarTask.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
        }

        var summary = Summarize(run, step, stable, run.LimitReached ? limit : null);
        observer.StepFinished(summary);
        return new StepMeasurement(summary, run.Kept.SelectMany(k => k.Records).ToList(), run.MeasureStart, run.Aborted);
    }

    private async Task MeasureWindowsAsync(Run run, StepDescriptor step, Func<IReadOnlyList<WindowSummary>, bool> done, Func<IReadOnlyList<WindowSummary>, bool> stable, CancellationToken abort)
    {
        var windowTicks = clock.ToTicks(options.Window);
        await clock.WaitUntilAsync(Math.Min(run.MeasureStart, run.Deadline), abort).ConfigureAwait(false);
        run.StartWindow(clock.Now);
        run.Snapshot = await server.ReadAsync(abort).ConfigureAwait(false);
        while (true)
        {
            var windowEnd = run.WindowStart + windowTicks;
            await clock.WaitUntilAsync(Math.Min(windowEnd, run.Deadline), abort).ConfigureAwait(false);
            if (clock.Now < windowEnd)
            {
                run.LimitReached = true; // the deadline came first: this window is not whole, leave it out
                return;
            }

            var window = run.CloseWindow(_analyzer, clock);
            run.Snapshot = await server.ReadAsync(abort).ConfigureAwait(false);
            var isDone = done(run.Windows);
            observer.WindowMeasured(step.Label, window, isDone && stable(run.Windows));
            if (isDone)
            {
                return;
            }

            if (clock.Now >= run.Deadline)
            {
                run.LimitReached = true;
                return;
            }
        }
    }

    /// <summary>Waits for the requests in flight, at most until the step's deadline (and a window past it); then cancels them.</summary>
    private async Task DrainAsync(Task loadTask, long deadline, CancellationTokenSource inFlight)
    {
        if (!loadTask.IsCompleted)
        {
            using var drained = new CancellationTokenSource();
            var until = Math.Max(deadline, clock.Now + clock.ToTicks(options.Window));
            var timeout = clock.WaitUntilAsync(until, drained.Token).AsTask();
            if (await Task.WhenAny(loadTask, timeout).ConfigureAwait(false) != loadTask)
            {
                inFlight.Cancel();
            }

            drained.Cancel();
        }

        try
        {
            await loadTask.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private StepSummary Summarize(Run run, StepDescriptor step, Func<IReadOnlyList<WindowSummary>, bool> stable, TimeSpan? limitReached)
    {
        var all = run.Kept.SelectMany(k => k.Records).ToList();
        var summary = _analyzer.Summarize(step.Label, step.Mode, all, run.Kept.Sum(k => k.Seconds)) with
        {
            Concurrency = step.Concurrency,
            Rate = step.Rate,
            Windows = run.Windows.Count,
            Sent = run.Kept.Count > 0 ? run.Kept.Sum(k => k.Sent) : run.Buffer.Sent - run.SentAtStart,
            Stable = !run.Aborted && !run.LimitReached && stable(run.Windows),
            Server = run.Kept.Count > 0 && !run.Aborted ? ServerStatisticsReader.Delta(run.Kept.Peek().Before, run.Snapshot) : [],
        };
        if (run.Aborted)
        {
            return summary;
        }

        var (reason, incomplete) = StepDiagnosis.Explain(summary, options.Stability, limitReached);
        return summary with { NoStableWindow = reason, Incomplete = incomplete };
    }

    /// <summary>The mutable state of one step's measurement.</summary>
    private sealed class Run(long measureStart, long deadline, int keep)
    {
        public RecordBuffer Buffer { get; } = new();

        public long MeasureStart { get; } = measureStart;

        public long Deadline => deadline;

        public long WindowStart { get; private set; } = measureStart;

        public long SentAtStart { get; private set; }

        public List<WindowSummary> Windows { get; } = [];

        public Queue<KeptWindow> Kept { get; } = new();

        public IReadOnlyList<ModelStatisticsSnapshot> Snapshot { get; set; } = [];

        public bool Aborted { get; set; }

        public bool LimitReached { get; set; }

        public void StartWindow(long now)
        {
            Buffer.Swap();
            WindowStart = now;
            SentAtStart = Buffer.Sent;
        }

        public WindowSummary CloseWindow(RecordAnalyzer analyzer, LoadClock clock)
        {
            var records = Buffer.Swap();
            var sent = Buffer.Sent;
            var now = clock.Now;
            var seconds = clock.ToSeconds(now - WindowStart);
            var window = analyzer.Window(Windows.Count, records, seconds);
            Windows.Add(window);
            Kept.Enqueue(new KeptWindow(records, seconds, sent - SentAtStart, Snapshot));
            while (Kept.Count > keep)
            {
                Kept.Dequeue();
            }

            WindowStart = now;
            SentAtStart = sent;
            return window;
        }

        public void KeepPartialWindow(RecordAnalyzer analyzer, LoadClock clock)
        {
            var partial = Buffer.Swap();
            var seconds = clock.ToSeconds(clock.Now - WindowStart);
            if (partial.Count > 0 && seconds > 0)
            {
                Windows.Add(analyzer.Window(Windows.Count, partial, seconds));
                Kept.Enqueue(new KeptWindow(partial, seconds, Buffer.Sent - SentAtStart, Snapshot));
            }
        }
    }

    private sealed record KeptWindow(List<RequestRecord> Records, double Seconds, long Sent, IReadOnlyList<ModelStatisticsSnapshot> Before);
}

/// <summary>Names a step: its label, its mode ("concurrency" or "rate") and its load level.</summary>
public sealed record StepDescriptor(string Label, string Mode, int? Concurrency = null, double? Rate = null)
{
    public static StepDescriptor ForConcurrency(int concurrency) => new($"concurrency {concurrency}", "concurrency", Concurrency: concurrency);

    public static StepDescriptor ForRate(double rate) => new($"rate {rate:0.##}/s", "rate", Rate: rate);
}
