using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Engine.Admission;

/// <summary>
/// Bounds the requests the router works on (<see cref="AdmissionOptions"/>) with a <see cref="ConcurrencyLimiter"/>.
/// Beyond the bound, more work only makes every request slower and the process bigger (measured: 2,048 concurrent
/// calls took throughput from 1,554 to 1,038 req/s and RSS from 209 to 727 MiB), so the excess is refused at once
/// and the client retries elsewhere or later. The queue absorbs bursts shorter than its timeout.
/// </summary>
public sealed class AdmissionController : IDisposable
{
    private readonly ConcurrencyLimiter? _limiter;
    private readonly TimeSpan _queueTimeout;
    private readonly TimeProvider _time;
    private long _refused;

    public AdmissionController(IOptions<AdmissionOptions> options, TimeProvider time)
    {
        var o = options.Value;
        Options = o;
        _time = time;
        _queueTimeout = TimeSpan.FromMilliseconds(o.QueueTimeoutMs);
        if (o.Enabled)
        {
            _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
            {
                PermitLimit = o.MaxInFlight,
                QueueLimit = o.QueueLimit,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            });
        }
    }

    public AdmissionOptions Options { get; }

    /// <summary>Requests refused since start (queue full or queue timeout).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Requests running now (admitted and not yet released).</summary>
    public int InFlight => _limiter is null ? 0 : Options.MaxInFlight - (int)(_limiter.GetStatistics()?.CurrentAvailablePermits ?? Options.MaxInFlight);

    /// <summary>A slot at once when one is free, else a wait in the bounded queue; never throws.</summary>
    public ValueTask<AdmissionTicket> AdmitAsync(CancellationToken cancellationToken)
    {
        if (_limiter is null)
        {
            return new(new AdmissionTicket(AdmissionResult.Admitted, null));
        }

        // The fast path allocates nothing: no timer unless the request has to wait.
        var lease = _limiter.AttemptAcquire(1);
        if (lease.IsAcquired)
        {
            return new(new AdmissionTicket(AdmissionResult.Admitted, lease));
        }

        lease.Dispose();
        return Options.QueueLimit == 0 ? new(Refuse(AdmissionResult.QueueFull)) : WaitAsync(cancellationToken);
    }

    private async ValueTask<AdmissionTicket> WaitAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_queueTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            var lease = await _limiter!.AcquireAsync(1, linked.Token).ConfigureAwait(false);
            if (lease.IsAcquired)
            {
                return new AdmissionTicket(AdmissionResult.Admitted, lease);
            }

            lease.Dispose();
            return Refuse(AdmissionResult.QueueFull);
        }
        catch (OperationCanceledException)
        {
            return cancellationToken.IsCancellationRequested ? new AdmissionTicket(AdmissionResult.Cancelled, null) : Refuse(AdmissionResult.QueueTimeout);
        }
    }

    private AdmissionTicket Refuse(AdmissionResult result)
    {
        Interlocked.Increment(ref _refused);
        return new AdmissionTicket(result, null);
    }

    public void Dispose() => _limiter?.Dispose();
}
