namespace EnsembleGrpc.Router.Engine.Admission;

/// <summary>
/// How long a refused caller should stay away: the value of gRPC's <c>grpc-retry-pushback-ms</c> trailer (and HTTP's
/// Retry-After), which gRPC clients with a retry policy obey. A fixed wait cannot suit every overload: the callers
/// turned away come back at (their number / the wait) per second, and each return costs both sides a round trip
/// that earns nothing. So the wait adapts, window by window (<see cref="Window"/>): while refusals outnumber
/// <see cref="AdmissionOptions.RetryPushbackTargetRatio"/> of the admissions it doubles, up to
/// <see cref="AdmissionOptions.RetryPushbackMaxMs"/>; while they stay under a quarter of that share it halves, down
/// to <see cref="AdmissionOptions.RetryPushbackMinMs"/>. Every wait handed out is jittered to 0.5–1.5× the current
/// one, so the callers refused together do not return together. Thread-safe.
/// </summary>
public sealed class RetryPushback
{
    /// <summary>How often the wait is reconsidered: a few round trips of a saturated router, short enough to follow a surge.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMilliseconds(100);

    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly double _min;
    private readonly double _max;
    private readonly double _target;
    private readonly long _windowTicks;
    private readonly Lock _lock = new();
    private long _windowStart;
    private long _admitted;
    private long _refused;
    private double _currentMs;

    public RetryPushback(AdmissionOptions options, TimeProvider time, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        _random = random ?? Random.Shared;
        _min = options.RetryPushbackMinMs;
        _max = options.RetryPushbackMaxMs;
        _target = options.RetryPushbackTargetRatio;
        _windowTicks = Window.Ticks * time.TimestampFrequency / TimeSpan.TicksPerSecond;
        _windowStart = time.GetTimestamp();
        _currentMs = _min;
    }

    /// <summary>The wait before jitter, in milliseconds (for the admin statistics and tests).</summary>
    public double CurrentMs
    {
        get
        {
            lock (_lock)
            {
                Roll(_time.GetTimestamp());
                return _currentMs;
            }
        }
    }

    /// <summary>Counts an admitted request (a slot at once or after a wait in the queue).</summary>
    public void Admitted() => Interlocked.Increment(ref _admitted);

    /// <summary>Counts a refusal and returns how long that caller should wait before it tries again.</summary>
    public TimeSpan Refused()
    {
        double ms;
        lock (_lock)
        {
            Roll(_time.GetTimestamp());
            _refused++;
            ms = _currentMs * (0.5 + _random.NextDouble());
        }

        return TimeSpan.FromMilliseconds(Math.Ceiling(ms));
    }

    // Closes every window that has ended: the first on its own counts, each further one (no refusal came, or the
    // wait would have been reconsidered) as a window without refusals.
    private void Roll(long now)
    {
        long elapsed = now - _windowStart;
        if (elapsed < _windowTicks)
        {
            return;
        }

        long admitted = Interlocked.Exchange(ref _admitted, 0);
        double ratio = _refused / (double)Math.Max(admitted, 1);
        _currentMs = ratio > _target ? Math.Min(_currentMs * 2, _max)
            : ratio < _target / 4 ? Math.Max(_currentMs / 2, _min)
            : _currentMs;
        long idleWindows = elapsed / _windowTicks - 1;
        for (long i = 0; i < idleWindows && _currentMs > _min; i++)
        {
            _currentMs = Math.Max(_currentMs / 2, _min);
        }

        _refused = 0;
        _windowStart += elapsed / _windowTicks * _windowTicks;
    }
}
