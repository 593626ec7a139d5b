using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Frontend.Security;

/// <summary>
/// Counts failed admin authentications per caller address in a sliding window of
/// <see cref="AdminSecurityOptions.FailureWindow"/>. The <see cref="AdminSecurityOptions.MaxFailures"/>-th failure in
/// a window locks the caller out for one window from that moment (attempts while locked out neither count nor extend
/// it); a success clears its failures. So a guesser gets at most MaxFailures tries per window.
/// </summary>
public sealed class FailedAttemptLimiter(IOptions<AdminSecurityOptions> options, TimeProvider time)
{
    /// <summary>The shared counter of callers beyond <see cref="AdminSecurityOptions.MaxTrackedCallers"/>.</summary>
    internal const string OverflowKey = "*";

    private readonly AdminSecurityOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, CallerFailures> _callers = new(StringComparer.Ordinal);

    /// <summary>How long <paramref name="caller"/> is still locked out; null when it may try.</summary>
    public TimeSpan? LockedOutFor(string caller)
    {
        var now = time.GetUtcNow();
        var failures = _callers.TryGetValue(caller, out var own) ? own
            : _callers.TryGetValue(OverflowKey, out var shared) ? shared : null;
        return failures?.LockedOutFor(now);
    }

    /// <summary>Records a failure; true when it locked the caller out.</summary>
    public bool RecordFailure(string caller)
    {
        var now = time.GetUtcNow();
        if (!_callers.ContainsKey(caller) && _callers.Count >= _options.MaxTrackedCallers)
        {
            Sweep(now);
            if (_callers.Count >= _options.MaxTrackedCallers)
            {
                caller = OverflowKey;
            }
        }

        return _callers.GetOrAdd(caller, static _ => new CallerFailures()).Record(now, _options.MaxFailures, _options.FailureWindow);
    }

    /// <summary>Forgets the caller's failures (it presented the right token).</summary>
    public void RecordSuccess(string caller) => _callers.TryRemove(caller, out _);

    /// <summary>Callers currently tracked (for tests of the bound).</summary>
    internal int TrackedCallers => _callers.Count;

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (caller, failures) in _callers)
        {
            if (failures.IsStale(now, _options.FailureWindow))
            {
                _callers.TryRemove(caller, out _);
            }
        }
    }

    private sealed class CallerFailures
    {
        private readonly Queue<DateTimeOffset> _times = new();
        private DateTimeOffset _lockedUntil = DateTimeOffset.MinValue;

        public TimeSpan? LockedOutFor(DateTimeOffset now)
        {
            lock (_times)
            {
                return now < _lockedUntil ? _lockedUntil - now : null;
            }
        }

        public bool Record(DateTimeOffset now, int maxFailures, TimeSpan window)
        {
            lock (_times)
            {
                if (now < _lockedUntil)
                {
                    return false;
                }

                while (_times.Count > 0 && _times.Peek() <= now - window)
                {
                    _times.Dequeue();
                }

                _times.Enqueue(now);
                if (_times.Count < maxFailures)
                {
                    return false;
                }

                _times.Clear();
                _lockedUntil = now + window;
                return true;
            }
        }

        public bool IsStale(DateTimeOffset now, TimeSpan window)
        {
            lock (_times)
            {
                return now >= _lockedUntil && (_times.Count == 0 || _times.Last() <= now - window);
            }
        }
    }
}
