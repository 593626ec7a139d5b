namespace EnsembleGrpc.Router.Resilience.Ejection;

/// <summary>
/// One endpoint's ejection state: failures in a row, its recent latencies, and whether (and until when) it is ejected.
/// Times are <see cref="TimeProvider"/> timestamps given by the caller, so that the rules are tested on a clock the
/// test moves. A lock per endpoint: every call touches it once or twice, and the work inside is a few fields.
/// </summary>
public sealed class EjectionState
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly double[] _latencies;
    private readonly int[] _rows;
    private int _next;
    private int _count;
    private int _consecutive;
    private int _ejectionsInARow;
    private long _ejectedUntil;
    private long _readmittedAt;
    private bool _forLatency;
    private bool _ejected;
    private bool _probing;
    private long _ejections;
    private long _lastSuccess;

    public EjectionState(int window, TimeProvider time)
    {
        _latencies = new double[window];
        _rows = new int[window];
        _time = time;
    }

    /// <summary>Ejected, or its ejection is up but its probe has not come back: not a candidate for a normal call.</summary>
    public bool IsEjected
    {
        get
        {
            lock (_lock)
            {
                return _ejected;
            }
        }
    }

    /// <summary>Ejected and not yet due for its probe (or its probe is out): skipped by the balancer.</summary>
    public bool IsHeld
    {
        get
        {
            long now = _time.GetTimestamp();
            lock (_lock)
            {
                return _ejected && (_probing || now < _ejectedUntil);
            }
        }
    }

    /// <summary>
    /// Its last call failed (a run of failures has begun) or its probe is out: a call to it now may bring nothing, even
    /// though it is not ejected (yet, or any more).
    /// </summary>
    public bool IsUnreliable
    {
        get
        {
            lock (_lock)
            {
                return _consecutive > 0 || _probing;
            }
        }
    }

    /// <summary>When it last answered (a timestamp; 0 never): peers that answer show that a slow call is this endpoint's, not the machine's.</summary>
    public long LastSuccess => Interlocked.Read(ref _lastSuccess);

    /// <summary>Its probe is out: the outcome of that call decides.</summary>
    public bool IsProbing
    {
        get
        {
            lock (_lock)
            {
                return _probing;
            }
        }
    }

    /// <summary>
    /// The probe said nothing about the endpoint (its breaker refused it, it was busy, the request was at fault, the
    /// caller left): still ejected, and the next call probes again. Without this a probe that ends so would hold the
    /// endpoint out for good.
    /// </summary>
    public void ReleaseProbe()
    {
        lock (_lock)
        {
            _probing = false;
        }
    }

    /// <summary>Times ejected since start, for statistics.</summary>
    public long Ejections => Interlocked.Read(ref _ejections);

    /// <summary>
    /// The last ejection was for slowness (slow calls or latency), not for failures: only then does a slow probe answer
    /// keep the endpoint out. A worker ejected because it was down is often back from a restart, and a restarted
    /// worker's first answer is slow (cold code paths) without saying anything about its steady latency.
    /// </summary>
    public bool EjectedForLatency
    {
        get
        {
            lock (_lock)
            {
                return _forLatency;
            }
        }
    }

    /// <summary>Whether a call may go: open; the probe, once the ejection time is up; else ejected.</summary>
    public EjectionGate Enter(long now)
    {
        lock (_lock)
        {
            if (!_ejected)
            {
                return EjectionGate.Open;
            }

            if (_probing || now < _ejectedUntil)
            {
                return EjectionGate.Ejected;
            }

            _probing = true;
            return EjectionGate.Probe;
        }
    }

    /// <summary>
    /// A latency sample of a call of <paramref name="rows"/> rows (a success, or a timeout's elapsed time); a call that
    /// was slow does not end a run of failures.
    /// </summary>
    public void RecordLatency(double milliseconds, int rows, bool endsRun)
    {
        Interlocked.Exchange(ref _lastSuccess, _time.GetTimestamp());
        lock (_lock)
        {
            _latencies[_next] = milliseconds;
            _rows[_next] = Math.Max(1, rows);
            _next = (_next + 1) % _latencies.Length;
            _count = Math.Min(_count + 1, _latencies.Length);
            if (endsRun)
            {
                _consecutive = 0;
            }
        }
    }

    /// <summary>One more failure, timeout or slow call in a row; returns the run's length.</summary>
    public int RecordFailure()
    {
        lock (_lock)
        {
            return ++_consecutive;
        }
    }

    /// <summary>The p90 of the recent call latencies, or null with fewer than <paramref name="minimumSamples"/>.</summary>
    public double? P90(int minimumSamples) => P90(minimumSamples, perRow: false);

    /// <summary>
    /// The p90 of the recent latencies per row (each call's latency over its rows), or null with fewer than
    /// <paramref name="minimumSamples"/>: what the slow-call rule scales by a call's rows.
    /// </summary>
    public double? P90PerRow(int minimumSamples) => P90(minimumSamples, perRow: true);

    private double? P90(int minimumSamples, bool perRow)
    {
        Span<double> copy = stackalloc double[_latencies.Length];
        int n;
        lock (_lock)
        {
            n = _count;
            if (n < minimumSamples || n == 0)
            {
                return null;
            }

            for (int i = 0; i < n; i++)
            {
                copy[i] = perRow ? _latencies[i] / _rows[i] : _latencies[i];
            }
        }

        copy = copy[..n];
        copy.Sort();
        return copy[Math.Min(n - 1, (int)Math.Ceiling(0.9 * n) - 1)];
    }

    /// <summary>
    /// Ejects (<paramref name="forLatency"/>: for slowness rather than failures) for <paramref name="baseTime"/> × the ejections in a row, capped at <paramref name="maxTime"/>. The run
    /// restarts after a readmitted endpoint has stayed in for <paramref name="maxTime"/> (Envoy lowers it per healthy interval).
    /// </summary>
    public TimeSpan Eject(long now, long frequency, TimeSpan baseTime, TimeSpan maxTime, bool forLatency)
    {
        lock (_lock)
        {
            _forLatency = forLatency;
            if (!_ejected && _readmittedAt != 0 && now - _readmittedAt > maxTime.TotalSeconds * frequency)
            {
                _ejectionsInARow = 0;
            }

            _ejectionsInARow++;
            var time = TimeSpan.FromTicks(Math.Min(baseTime.Ticks * _ejectionsInARow, maxTime.Ticks));
            _ejected = true;
            _probing = false;
            _consecutive = 0;
            _ejectedUntil = now + (long)(time.TotalSeconds * frequency);
            Interlocked.Increment(ref _ejections);
            return time;
        }
    }

    /// <summary>The probe answered well: back in, with a clean run and window (the old samples are the outlier's).</summary>
    public void Readmit(long now)
    {
        lock (_lock)
        {
            _ejected = false;
            _probing = false;
            _consecutive = 0;
            _count = 0;
            _next = 0;
            _readmittedAt = now;
        }
    }
}
