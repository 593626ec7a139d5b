using System.Diagnostics;
using System.Text.RegularExpressions;

namespace InferenceBench;

/// <summary>One LoadGen step as the server processes saw it: their CPU time and the requests counted over the whole step (warm-up included).</summary>
internal sealed record StepCost(string Label, double[] CpuSeconds, ulong Requests, double Seconds);

/// <summary>
/// Follows a LoadGen run's console (one line when a step starts, one when it ends; LoadGen --no-live) and takes, at
/// each boundary, the CPU time of the serving processes and the request count of the first member's worker. LoadGen
/// has no hook of its own for this, so the console lines are the clock; they come within milliseconds of the step's
/// real edges, against steps of seconds. <see cref="CurrentStep"/> tells a sampler which step is running (-1: none).
/// </summary>
internal sealed partial class StepProbe(ChildProcess[] processes, Func<Task<ulong>> requestCount)
{
    private readonly List<(string Label, Mark Start)> _open = [];
    private readonly List<(string Label, Mark Start, Mark End)> _steps = [];
    private int _current = -1;
    private int _started;

    public int CurrentStep => Volatile.Read(ref _current);

    public void OnLine(string line)
    {
        if (StepStart().Match(line) is { Success: true } start)
        {
            lock (_steps)
            {
                _open.Add((start.Groups["label"].Value, Take()));
                Volatile.Write(ref _current, _started++);
            }
        }
        else if (StepEnd().Match(line) is { Success: true } end)
        {
            lock (_steps)
            {
                var label = end.Groups["label"].Value;
                var index = _open.FindIndex(o => o.Label == label);
                if (index >= 0)
                {
                    _steps.Add((label, _open[index].Start, Take()));
                    _open.RemoveAt(index);
                    Volatile.Write(ref _current, -1);
                }
            }
        }
    }

    /// <summary>The finished steps in order, with the CPU seconds of each process and the requests counted.</summary>
    public async Task<IReadOnlyList<StepCost>> StepsAsync()
    {
        List<(string Label, Mark Start, Mark End)> steps;
        lock (_steps)
        {
            steps = [.. _steps];
        }

        var result = new List<StepCost>();
        foreach (var (label, start, end) in steps)
        {
            ulong requests;
            try
            {
                requests = await end.Requests.ConfigureAwait(false) - await start.Requests.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                requests = 0;
            }

            result.Add(new StepCost(label, [.. end.Cpu.Zip(start.Cpu, (e, s) => (e - s).TotalSeconds)], requests,
                Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp).TotalSeconds));
        }

        return result;
    }

    private Mark Take() => new([.. processes.Select(p => p.CpuTime)], requestCount(), Stopwatch.GetTimestamp());

    private sealed record Mark(TimeSpan[] Cpu, Task<ulong> Requests, long Timestamp);

    // "concurrency 32: up to 3 windows" / "rate 500/s (poisson): up to 3 windows"
    [GeneratedRegex(@"^(?<label>\S.*?): up to \d+ windows\s*$")]
    private static partial Regex StepStart();

    // "  concurrency 32: 587.0 req/s, p50 31.523 ms, p99 277.873 ms, ..."
    [GeneratedRegex(@"^\s+(?<label>\S.*?): [0-9.]+ req/s, p50 ")]
    private static partial Regex StepEnd();
}
