using EnsembleGrpc.LoadGen.Backend;
using EnsembleGrpc.LoadGen.Load;

namespace EnsembleGrpc.LoadGen.Measurement;

/// <summary>
/// Measures one step (perf_analyzer's profiler): runs a load manager, drops the warm-up, swaps the record buffer out
/// at the end of every window, and stops when the last windows agree (or at the window cap, or after a fixed
/// duration). Server statistics are read at the window boundaries, so the server-side delta covers the same windows
/// as the client-side numbers.
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
    public Task<StepMeasurement> MeasureForAsync(ILoadManager load, StepDescriptor step, TimeSpan duration, CancellationToken abort, Func<long, CancellationToken, Task>? sidecar = null)
    {
        var windows = Math.Max(1, (int)Math.Ceiling(duration / options.Window));
        return RunAsync(load, step, windows, w => w.Count >= windows, _ => true, keep: int.MaxValue, abort, sidecar);
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
        var buffer = new RecordBuffer();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(abort);
        var windowTicks = clock.ToTicks(options.Window);
        var windows = new List<WindowSummary>();
        var kept = new Queue<(List<RequestRecord> Records, double Seconds, IReadOnlyList<ModelStatisticsSnapshot> Before)>();
        var aborted = false;

        var loadTask = load.RunAsync(buffer, stop.Token, abort);
        var measureStart = clock.Now + clock.ToTicks(options.Warmup);
        var windowStart = measureStart;
        var sidecarTask = sidecar?.Invoke(measureStart, abort) ?? Task.CompletedTask;
        IReadOnlyList<ModelStatisticsSnapshot> snapshot = [];
        try
        {
            await clock.WaitUntilAsync(measureStart, abort).ConfigureAwait(false);
            buffer.Swap();
            windowStart = clock.Now;
            snapshot = await server.ReadAsync(abort).ConfigureAwait(false);
            while (true)
            {
                await clock.WaitUntilAsync(windowStart + windowTicks, abort).ConfigureAwait(false);
                var records = buffer.Swap();
                var now = clock.Now;
                var seconds = clock.ToSeconds(now - windowStart);
                windowStart = now;
                var window = _analyzer.Window(windows.Count, records, seconds);
                windows.Add(window);
                kept.Enqueue((records, seconds, snapshot));
                while (kept.Count > keep)
                {
                    kept.Dequeue();
                }

                snapshot = await server.ReadAsync(abort).ConfigureAwait(false);
                var isDone = done(windows);
                observer.WindowMeasured(step.Label, window, isDone && stable(windows));
                if (isDone)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            aborted = true;
            var partial = buffer.Swap();
            var seconds = clock.ToSeconds(clock.Now - windowStart);
            if (partial.Count > 0 && seconds > 0)
            {
                windows.Add(_analyzer.Window(windows.Count, partial, seconds));
                kept.Enqueue((partial, seconds, snapshot));
            }
        }

        // Synchronous on purpose: with a virtual clock everything stays on the caller's thread.
        stop.Cancel();
        try
        {
            await loadTask.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        buffer.Close();
        try
        {
            await sidecarTask.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
        }

        var all = kept.SelectMany(k => k.Records).ToList();
        var totalSeconds = kept.Sum(k => k.Seconds);
        var summary = _analyzer.Summarize(step.Label, step.Mode, all, totalSeconds) with
        {
            Concurrency = step.Concurrency,
            Rate = step.Rate,
            Windows = windows.Count,
            Stable = !aborted && stable(windows),
            Server = kept.Count > 0 && !aborted ? ServerStatisticsReader.Delta(kept.Peek().Before, snapshot) : [],
        };
        observer.StepFinished(summary);
        return new StepMeasurement(summary, all, measureStart, aborted);
    }
}

/// <summary>Names a step: its label, its mode ("concurrency" or "rate") and its load level.</summary>
public sealed record StepDescriptor(string Label, string Mode, int? Concurrency = null, double? Rate = null)
{
    public static StepDescriptor ForConcurrency(int concurrency) => new($"concurrency {concurrency}", "concurrency", Concurrency: concurrency);

    public static StepDescriptor ForRate(double rate) => new($"rate {rate:0.##}/s", "rate", Rate: rate);
}
