namespace InferenceBench;

/// <summary>
/// Samples VmRSS of some processes from /proc every <c>interval</c> while it runs, each sample tagged with the step
/// that was running (a <see cref="StepProbe"/>'s CurrentStep), and reads their VmHWM when stopped.
/// </summary>
internal sealed class RssSampler : IAsyncDisposable
{
    private readonly ChildProcess[] _processes;
    private readonly Func<int> _currentStep;
    private readonly List<(int Step, int Process, long RssKb)> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RssSampler(ChildProcess[] processes, Func<int> currentStep, TimeSpan interval)
    {
        _processes = processes;
        _currentStep = currentStep;
        _loop = LoopAsync(interval);
    }

    /// <summary>VmHWM (kB) of each process when the sampler was stopped: its peak over its whole life.</summary>
    public long[] HwmKb { get; private set; } = [];

    /// <summary>Max VmRSS (kB; -1 when none) and the sample count per process, over the samples taken while a step accepted by <paramref name="step"/> ran.</summary>
    public (long MaxKb, int Samples)[] MaxRss(Func<int, bool> step)
    {
        var max = Enumerable.Repeat((MaxKb: -1L, Samples: 0), _processes.Length).ToArray();
        lock (_samples)
        {
            foreach (var (s, p, rss) in _samples)
            {
                if (step(s))
                {
                    max[p] = (Math.Max(max[p].MaxKb, rss), max[p].Samples + 1);
                }
            }
        }

        return max;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        HwmKb = [.. _processes.Select(p => ProcStatus.Read(p.Id)?.HwmKb ?? -1)];
        _stop.Dispose();
    }

    private async Task LoopAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                var step = _currentStep();
                for (var i = 0; i < _processes.Length; i++)
                {
                    if (ProcStatus.Read(_processes[i].Id) is { } status)
                    {
                        lock (_samples)
                        {
                            _samples.Add((step, i, status.RssKb));
                        }
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }
}
