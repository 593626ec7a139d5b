using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Engine.Admission;

/// <summary>
/// Bounds the work the router takes on (<see cref="AdmissionOptions"/>). Beyond the bound, more work only makes
/// every request slower and the process bigger (measured: 2,048 concurrent calls took throughput from 1,554 to 1,038
/// req/s and RSS from 209 to 727 MiB), so the excess is refused at once, told when to come back
/// (<see cref="RetryPushback"/>), and the client retries elsewhere or later. The queue absorbs bursts shorter than its
/// timeout; with <see cref="AdmissionQueueOrder.AdaptiveLifo"/> it serves the newest first under sustained overload.
/// <para>
/// The bound counts rows as well as requests, and the queue is fair between clients (a client is a connection): a
/// request takes a slot and as many rows as its batch has, and freed room goes first to the waiting request that
/// leaves its client with the fewest rows in flight. Counting requests alone let one client's 64-row batches put 64
/// times the work of a 1-row request in flight per slot: its batches filled every member's queue, and another
/// client's 1-row requests, admitted at once, waited behind them (measured with bench/neighbour.sh: 1.1–1.5 s at the
/// median; 127–137 ms with the default 512 rows, 54–60 ms with 256, 19–37 ms with 128; config/README.md, "Fair
/// between clients").
/// </para>
/// </summary>
public sealed class AdmissionController
{
    private readonly AdmissionGate? _gate;
    private readonly TimeSpan _queueTimeout;
    private readonly TimeProvider _time;
    private readonly RetryPushback _pushback;
    private long _refused;

    public AdmissionController(IOptions<AdmissionOptions> options, TimeProvider time)
        : this(options, time, random: null)
    {
    }

    /// <summary>With the randomness of the refusals' jitter injected (tests).</summary>
    public AdmissionController(IOptions<AdmissionOptions> options, TimeProvider time, Random? random)
    {
        var o = options.Value;
        Options = o;
        _time = time;
        _queueTimeout = TimeSpan.FromMilliseconds(o.QueueTimeoutMs);
        _gate = o.Enabled ? new AdmissionGate(o, time) : null;
        _pushback = new RetryPushback(o, time, random);
    }

    public AdmissionOptions Options { get; }

    /// <summary>Requests refused since start (queue full or queue timeout).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Requests running now (admitted and not yet released).</summary>
    public int InFlight => _gate?.InFlight ?? 0;

    /// <summary>Rows of the requests running now.</summary>
    public int RowsInFlight => _gate?.RowsInFlight ?? 0;

    /// <summary>Requests waiting in the queue now.</summary>
    public int Waiting => _gate?.Waiting ?? 0;

    /// <summary>A one-row request of an unnamed client (see the other overload).</summary>
    public ValueTask<AdmissionTicket> AdmitAsync(CancellationToken cancellationToken) => AdmitAsync(1, "", cancellationToken);

    /// <summary>
    /// A slot and <paramref name="rows"/> rows for <paramref name="client"/>'s request at once when they are free and
    /// nobody waits, else a wait in the bounded queue; never throws. Rows are counted from 1 up to
    /// <see cref="AdmissionOptions.MaxRowsInFlight"/> (a larger request runs alone).
    /// </summary>
    public ValueTask<AdmissionTicket> AdmitAsync(int rows, string client, CancellationToken cancellationToken)
    {
        if (_gate is null)
        {
            return new(new AdmissionTicket(AdmissionResult.Admitted, null));
        }

        rows = Math.Clamp(rows, 1, _gate.RowCapacity);
        // The fast path allocates one small slot object and no timer; only a request that waits gets a timer.
        if (_gate.TryEnter(rows, client) is { } owner)
        {
            return new(Admit(rows, owner));
        }

        var waiter = _gate.Enqueue(rows, client, out var admitted);
        if (admitted is not null)
        {
            return new(Admit(rows, admitted));
        }

        return waiter is null ? new(Refuse(AdmissionResult.QueueFull)) : WaitAsync(waiter, cancellationToken);
    }

    private async ValueTask<AdmissionTicket> WaitAsync(AdmissionWaiter waiter, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_queueTimeout, _time);
        await using var timedOut = timeout.Token.Register(() => _gate!.Abandon(waiter, AdmissionResult.QueueTimeout)).ConfigureAwait(false);
        await using var cancelled = cancellationToken.Register(() => _gate!.Abandon(waiter, AdmissionResult.Cancelled)).ConfigureAwait(false);
        var result = await waiter.Task.ConfigureAwait(false);
        return result switch
        {
            AdmissionResult.Admitted => Admit(waiter.Rows, waiter.Client),
            AdmissionResult.Cancelled => new AdmissionTicket(result, null),
            _ => Refuse(result),
        };
    }

    private AdmissionTicket Admit(int rows, AdmissionClient client)
    {
        _pushback.Admitted();
        return new AdmissionTicket(AdmissionResult.Admitted, new AdmissionSlot(_gate!, rows, client));
    }

    private AdmissionTicket Refuse(AdmissionResult result)
    {
        Interlocked.Increment(ref _refused);
        return new AdmissionTicket(result, null, _pushback.Refused());
    }
}
