using EnsembleGrpc.Router.Engine.Admission;
using EnsembleGrpc.Tests.Shared;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Tests.Engine;

/// <summary>
/// Admission counts rows and is fair between clients: one client's large batches take their share of the work in
/// flight, and another client's small requests are not queued behind them.
/// </summary>
public sealed class AdmissionFairnessTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public async Task A_batch_takes_as_many_units_as_it_has_rows()
    {
        var admission = Create(maxRows: 128, queueLimit: 4);
        using var first = await admission.AdmitAsync(64, "a", CancellationToken.None);
        using var second = await admission.AdmitAsync(64, "a", CancellationToken.None);

        var small = admission.AdmitAsync(1, "b", CancellationToken.None).AsTask();

        Assert.True(first.Admitted && second.Admitted);
        Assert.Equal(128, admission.RowsInFlight);
        Assert.False(small.IsCompleted);
        first.Dispose();
        using var admitted = await Settled(small);
        Assert.True(admitted.Admitted);
        Assert.Equal(65, admission.RowsInFlight);
    }

    [Fact]
    public async Task Freed_rows_go_to_the_waiting_client_with_the_fewest_in_flight_before_older_requests_of_a_busier_one()
    {
        var admission = Create(maxRows: 128, queueLimit: 8);
        var running = new[] { await admission.AdmitAsync(64, "a", CancellationToken.None), await admission.AdmitAsync(64, "a", CancellationToken.None) };
        var aWaiting = admission.AdmitAsync(64, "a", CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(10));
        var bWaiting = Enumerable.Range(0, 4).Select(_ => admission.AdmitAsync(1, "b", CancellationToken.None).AsTask()).ToList();

        running[0].Dispose();

        // B has nothing in flight: its four requests go first, although A's waited longer; A's 64 rows no longer fit.
        foreach (var b in bWaiting)
        {
            Assert.True((await Settled(b)).Admitted);
        }

        Assert.False(aWaiting.IsCompleted);
        Assert.Equal(68, admission.RowsInFlight);
        Assert.Equal(1, admission.Waiting);
    }

    [Fact]
    public async Task Of_two_idle_clients_the_smaller_request_goes_first_although_the_larger_waited_longer()
    {
        var admission = Create(maxRows: 4, queueLimit: 8);
        var full = await admission.AdmitAsync(4, "c", CancellationToken.None);
        var large = admission.AdmitAsync(4, "a", CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(10));
        var small = admission.AdmitAsync(1, "b", CancellationToken.None).AsTask();

        full.Dispose();

        // Admitted, b would have 1 row in flight and a 4: b goes first, and a's 4 rows no longer fit.
        using var first = await Settled(small);
        Assert.True(first.Admitted);
        Assert.False(large.IsCompleted);
        first.Dispose();
        using var second = await Settled(large);
        Assert.True(second.Admitted);
    }

    [Fact]
    public async Task The_next_waiter_holds_the_freed_rows_until_it_fits_and_a_busier_clients_request_does_not_overtake_it()
    {
        var admission = Create(maxRows: 4, queueLimit: 8);
        var held = await HoldAsync(admission, 3, "b");

        var two = admission.AdmitAsync(2, "a", CancellationToken.None).AsTask();
        var busier = admission.AdmitAsync(1, "b", CancellationToken.None).AsTask();

        // One row is free all along and b's request would fit it, but a's (2 rows in flight once admitted, against b's
        // 4) is next.
        Assert.False(two.IsCompleted || busier.IsCompleted);
        held[0].Dispose();

        using var admitted = await Settled(two);
        Assert.True(admitted.Admitted);
        Assert.False(busier.IsCompleted);
        held[1].Dispose();
        using var last = await Settled(busier);
        Assert.True(last.Admitted);
    }

    [Fact]
    public async Task A_waiter_that_gives_up_lets_the_requests_behind_it_in()
    {
        var admission = Create(maxRows: 4, queueLimit: 8);
        var held = await HoldAsync(admission, 3, "b");

        using var caller = new CancellationTokenSource();
        var two = admission.AdmitAsync(2, "a", caller.Token).AsTask();
        var busier = admission.AdmitAsync(1, "b", CancellationToken.None).AsTask();
        Assert.False(busier.IsCompleted);

        await caller.CancelAsync();

        Assert.Equal(AdmissionResult.Cancelled, (await Settled(two)).Result);
        using var admitted = await Settled(busier);
        Assert.True(admitted.Admitted);
        Assert.Equal(4, admission.RowsInFlight);
    }

    [Fact]
    public async Task A_request_needs_a_slot_as_well_as_its_rows()
    {
        var admission = Create(maxRows: 512, queueLimit: 4, maxRequests: 2);
        using var first = await admission.AdmitAsync(1, "a", CancellationToken.None);
        using var second = await admission.AdmitAsync(1, "a", CancellationToken.None);

        var third = admission.AdmitAsync(1, "b", CancellationToken.None).AsTask();

        Assert.Equal((2, 2), (admission.InFlight, admission.RowsInFlight));
        Assert.False(third.IsCompleted);
        first.Dispose();
        using var admitted = await Settled(third);
        Assert.True(admitted.Admitted);
    }

    [Fact]
    public async Task A_request_larger_than_the_bound_runs_alone_instead_of_waiting_forever()
    {
        var admission = Create(maxRows: 8, queueLimit: 2);
        using var huge = await admission.AdmitAsync(64, "a", CancellationToken.None);

        var next = admission.AdmitAsync(1, "b", CancellationToken.None).AsTask();

        Assert.True(huge.Admitted);
        Assert.Equal(8, admission.RowsInFlight);
        Assert.False(next.IsCompleted);
    }

    /// <summary><paramref name="count"/> one-row requests of <paramref name="client"/>, admitted and kept in flight.</summary>
    private static async Task<List<AdmissionTicket>> HoldAsync(AdmissionController admission, int count, string client)
    {
        var held = new List<AdmissionTicket>();
        for (int i = 0; i < count; i++)
        {
            held.Add(await admission.AdmitAsync(1, client, CancellationToken.None));
        }

        return held;
    }

    /// <summary>The admission's answer; a bound so that a regression fails the test instead of hanging it (no timing: it completes at once or never).</summary>
    private static Task<AdmissionTicket> Settled(Task<AdmissionTicket> ticket) => ticket.WaitAsync(TimeSpan.FromSeconds(10));

    /// <summary>Admission bounded by <paramref name="maxRows"/> rows, with request slots to spare unless <paramref name="maxRequests"/> says otherwise.</summary>
    private AdmissionController Create(int maxRows, int queueLimit, int maxRequests = 1000) =>
        new(Options.Create(new AdmissionOptions { MaxInFlight = maxRequests, MaxRowsInFlight = maxRows, QueueLimit = queueLimit, QueueTimeoutMs = 1000, QueueOrder = AdmissionQueueOrder.Fifo }), _time);
}
