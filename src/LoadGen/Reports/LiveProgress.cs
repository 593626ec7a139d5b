using System.Globalization;
using EnsembleGrpc.LoadGen.Measurement;
using Spectre.Console;

namespace EnsembleGrpc.LoadGen.Reports;

/// <summary>
/// Shows a run while it happens: on a terminal a Spectre progress display (one bar per step, filling window by
/// window, with the last window's throughput and p99); otherwise one plain line per window.
/// </summary>
public static class LiveProgress
{
    public static async Task<T> RunAsync<T>(IAnsiConsole console, bool live, Func<IRunObserver, Task<T>> work)
    {
        if (!live || !console.Profile.Capabilities.Interactive)
        {
            return await work(new LineObserver(console)).ConfigureAwait(false);
        }

        return await console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(context => work(new ProgressObserver(context)))
            .ConfigureAwait(false);
    }

    private static string Describe(string label, WindowSummary w, bool stable) => string.Create(
        CultureInfo.InvariantCulture,
        $"{label}: window {w.Index + 1}: {w.Throughput:0.0} req/s, p99 {w.P99Ms:0.###} ms{(stable ? ", stable" : string.Empty)}");

    private sealed class ProgressObserver(ProgressContext context) : IRunObserver
    {
        private readonly Dictionary<string, ProgressTask> _tasks = new(StringComparer.Ordinal);

        public void StepStarted(string label, int maxWindows)
        {
            lock (_tasks)
            {
                _tasks[label] = context.AddTask(Markup.Escape(label), maxValue: maxWindows);
            }
        }

        public void WindowMeasured(string label, WindowSummary window, bool stable)
        {
            lock (_tasks)
            {
                if (_tasks.TryGetValue(label, out var task))
                {
                    task.Increment(1);
                    task.Description = Markup.Escape(Describe(label, window, stable));
                }
            }
        }

        public void StepFinished(StepSummary summary)
        {
            lock (_tasks)
            {
                if (_tasks.TryGetValue(summary.Label, out var task))
                {
                    task.Value = task.MaxValue;
                    task.StopTask();
                }
            }
        }

        public void Note(string message)
        {
            lock (_tasks)
            {
                context.AddTask("[grey]" + Markup.Escape(message) + "[/]", maxValue: 1).Value = 1;
            }
        }
    }

    private sealed class LineObserver(IAnsiConsole console) : IRunObserver
    {
        public void StepStarted(string label, int maxWindows) => console.MarkupLine($"[bold]{Markup.Escape(label)}[/]: up to {maxWindows} windows");

        public void WindowMeasured(string label, WindowSummary window, bool stable) => console.WriteLine("  " + Describe(label, window, stable));

        public void StepFinished(StepSummary summary) => console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  {summary.Label}: {summary.Throughput:0.0} req/s, p50 {summary.Latency.P50Ms:0.###} ms, p99 {summary.Latency.P99Ms:0.###} ms, {(summary.Stable ? "stable" : summary.NoStableWindow is { } why ? "no stable window: " + why : "not stable")}"));

        public void Note(string message) => console.WriteLine("  " + message);
    }
}
