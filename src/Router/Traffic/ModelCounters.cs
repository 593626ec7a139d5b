namespace EnsembleGrpc.Router.Traffic;

/// <summary>
/// The Triton-style statistics of one virtual model (an ensemble): what the router's ModelStatistics reports. The
/// request path only adds to longs with Interlocked (no lock, no allocation); durations are kept in raw
/// <see cref="TimeProvider"/> timestamp ticks and turned into nanoseconds when read. A success adds its total first and
/// its parts after, and <see cref="Snapshot"/> reads the parts first and the total after, so that a reader racing
/// with requests still sees success ≥ queue + compute_input + compute_infer + compute_output.
/// </summary>
public sealed class ModelCounters
{
    private long _successCount;
    private long _successTicks;
    private long _failCount;
    private long _failTicks;
    private long _queueTicks;
    private long _inputTicks;
    private long _inferTicks;
    private long _outputTicks;
    private long _inferenceCount;
    private long _lastInferenceMs;

    /// <summary>An answered request of <paramref name="rows"/> rows, with its timestamps; <paramref name="nowMs"/> is Unix ms.</summary>
    public void RecordSuccess(in RequestTimings timings, int rows, long nowMs)
    {
        Interlocked.Increment(ref _successCount);
        Interlocked.Add(ref _successTicks, Ticks(timings.Arrival, timings.Encoded));
        Interlocked.Add(ref _inferenceCount, rows);
        Interlocked.Add(ref _queueTicks, Ticks(timings.Arrival, timings.DecodeStart) + Ticks(timings.InputReady, timings.FanOutStart));
        Interlocked.Add(ref _inputTicks, Ticks(timings.DecodeStart, timings.InputReady));
        Interlocked.Add(ref _inferTicks, Ticks(timings.FanOutStart, timings.Aggregated));
        Interlocked.Add(ref _outputTicks, Ticks(timings.Aggregated, timings.Encoded));
        InterlockedMax(ref _lastInferenceMs, nowMs);
    }

    /// <summary>A request of this model that ended in an error, <paramref name="ticks"/> timestamp ticks after it arrived.</summary>
    public void RecordFailure(long ticks)
    {
        Interlocked.Increment(ref _failCount);
        Interlocked.Add(ref _failTicks, Math.Max(0, ticks));
    }

    /// <summary>The counters in nanoseconds, for timestamps of <paramref name="timestampFrequency"/> ticks per second.</summary>
    public ModelCountersSnapshot Snapshot(long timestampFrequency)
    {
        // Parts before totals: see the class summary.
        long queue = Volatile.Read(ref _queueTicks);
        long input = Volatile.Read(ref _inputTicks);
        long infer = Volatile.Read(ref _inferTicks);
        long output = Volatile.Read(ref _outputTicks);
        long inferences = Volatile.Read(ref _inferenceCount);
        long successTicks = Volatile.Read(ref _successTicks);
        long successes = Volatile.Read(ref _successCount);
        long failTicks = Volatile.Read(ref _failTicks);
        long failures = Volatile.Read(ref _failCount);
        ulong Ns(long ticks) => (ulong)((Int128)ticks * 1_000_000_000 / timestampFrequency);
        return new ModelCountersSnapshot(
            LastInferenceMs: (ulong)Math.Max(0, Volatile.Read(ref _lastInferenceMs)),
            InferenceCount: (ulong)inferences,
            ExecutionCount: (ulong)successes,
            SuccessCount: (ulong)successes,
            SuccessNs: Ns(successTicks),
            FailCount: (ulong)failures,
            FailNs: Ns(failTicks),
            QueueNs: Ns(queue),
            ComputeInputNs: Ns(input),
            ComputeInferNs: Ns(infer),
            ComputeOutputNs: Ns(output));
    }

    private static long Ticks(long from, long to) => Math.Max(0, to - from);

    private static void InterlockedMax(ref long target, long value)
    {
        long current = Volatile.Read(ref target);
        while (value > current)
        {
            long seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}

/// <summary>
/// Timestamps (<see cref="TimeProvider.GetTimestamp"/>) of one answered request: arrival in the handler, start of
/// decoding (the model resolved), preprocessed input ready, fan-out start (arm chosen), aggregated answer, response built.
/// </summary>
public readonly record struct RequestTimings(long Arrival, long DecodeStart, long InputReady, long FanOutStart, long Aggregated, long Encoded);

/// <summary>One read of <see cref="ModelCounters"/>, durations in nanoseconds; every part's count is the success count.</summary>
public readonly record struct ModelCountersSnapshot(
    ulong LastInferenceMs,
    ulong InferenceCount,
    ulong ExecutionCount,
    ulong SuccessCount,
    ulong SuccessNs,
    ulong FailCount,
    ulong FailNs,
    ulong QueueNs,
    ulong ComputeInputNs,
    ulong ComputeInferNs,
    ulong ComputeOutputNs);
