using EnsembleGrpc.Router.Engine;
using EnsembleGrpc.Router.Engine.Admission;
using EnsembleGrpc.Router.Frontend;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Tests.Shared;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Tests.Engine;

public sealed class AdmissionControllerTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public async Task Requests_beyond_the_slots_wait_in_the_queue_and_beyond_the_queue_are_refused_at_once()
    {
        var admission = Create(maxInFlight: 2, queueLimit: 1);
        using var first = await admission.AdmitAsync(CancellationToken.None);
        using var second = await admission.AdmitAsync(CancellationToken.None);

        var queued = admission.AdmitAsync(CancellationToken.None).AsTask();
        var refused = await admission.AdmitAsync(CancellationToken.None);

        Assert.True(first.Admitted && second.Admitted);
        Assert.False(queued.IsCompleted);
        Assert.Equal(AdmissionResult.QueueFull, refused.Result);
        Assert.Equal(1, admission.Refused);
        Assert.Equal(2, admission.InFlight);

        first.Dispose();
        using var admitted = await queued;
        Assert.True(admitted.Admitted);
    }

    [Fact]
    public async Task A_queued_request_is_refused_when_no_slot_frees_within_the_queue_timeout()
    {
        var admission = Create(maxInFlight: 1, queueLimit: 4, queueTimeoutMs: 50);
        using var running = await admission.AdmitAsync(CancellationToken.None);
        var queued = admission.AdmitAsync(CancellationToken.None).AsTask();
        await _time.WaitForTimersAsync();

        _time.Advance(TimeSpan.FromMilliseconds(49));
        Assert.False(queued.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        using var ticket = await queued;
        Assert.Equal(AdmissionResult.QueueTimeout, ticket.Result);
        Assert.Equal(1, admission.Refused);
    }

    [Fact]
    public async Task A_caller_that_gives_up_while_queued_is_not_counted_as_refused_and_frees_its_place()
    {
        var admission = Create(maxInFlight: 1, queueLimit: 1);
        using var running = await admission.AdmitAsync(CancellationToken.None);
        using var caller = new CancellationTokenSource();
        var queued = admission.AdmitAsync(caller.Token).AsTask();

        await caller.CancelAsync();
        using var ticket = await queued;

        Assert.Equal(AdmissionResult.Cancelled, ticket.Result);
        Assert.Equal(0, admission.Refused);
        // Its place in the queue is free again.
        var next = admission.AdmitAsync(CancellationToken.None).AsTask();
        Assert.False(next.IsCompleted);
        running.Dispose();
        using var admitted = await next;
        Assert.True(admitted.Admitted);
    }

    [Fact]
    public async Task A_released_slot_goes_to_the_oldest_waiter()
    {
        var admission = Create(maxInFlight: 1, queueLimit: 2);
        var running = await admission.AdmitAsync(CancellationToken.None);
        var older = admission.AdmitAsync(CancellationToken.None).AsTask();
        var newer = admission.AdmitAsync(CancellationToken.None).AsTask();

        running.Dispose();
        using var first = await older;

        Assert.True(first.Admitted);
        Assert.False(newer.IsCompleted);
    }

    [Fact]
    public async Task Under_sustained_overload_a_freed_slot_goes_to_the_newest_waiter_and_the_oldest_wait_out_their_timeout()
    {
        var admission = Create(maxInFlight: 1, queueLimit: 3, queueTimeoutMs: 1000);
        var running = await admission.AdmitAsync(CancellationToken.None);
        var oldest = admission.AdmitAsync(CancellationToken.None).AsTask();
        var older = admission.AdmitAsync(CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(100)); // the queue has not emptied for CongestionMs: overload
        var newest = admission.AdmitAsync(CancellationToken.None).AsTask();

        running.Dispose();
        using var served = await newest;
        Assert.True(served.Admitted);
        Assert.False(oldest.IsCompleted || older.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(900)); // the first two have waited their whole 1,000 ms
        Assert.Equal(AdmissionResult.QueueTimeout, (await oldest).Result);
        Assert.Equal(AdmissionResult.QueueTimeout, (await older).Result);
        Assert.Equal(2, admission.Refused);
    }

    [Fact]
    public async Task A_burst_shorter_than_the_congestion_time_is_served_oldest_first_again_after_the_queue_emptied()
    {
        var admission = Create(maxInFlight: 1, queueLimit: 2);
        var running = await admission.AdmitAsync(CancellationToken.None);
        var early = admission.AdmitAsync(CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(150));
        running.Dispose();
        var second = await early; // the queue is empty again: the next queue starts a new burst

        var older = admission.AdmitAsync(CancellationToken.None).AsTask();
        var newer = admission.AdmitAsync(CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(99));
        second.Dispose();

        using var first = await older;
        Assert.True(first.Admitted);
        Assert.False(newer.IsCompleted);
    }

    [Fact]
    public async Task Fifo_order_serves_the_oldest_even_under_sustained_overload()
    {
        var admission = Create(maxInFlight: 1, queueLimit: 2, order: AdmissionQueueOrder.Fifo);
        var running = await admission.AdmitAsync(CancellationToken.None);
        var older = admission.AdmitAsync(CancellationToken.None).AsTask();
        var newer = admission.AdmitAsync(CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromSeconds(0.5));

        running.Dispose();

        using var first = await older;
        Assert.True(first.Admitted);
        Assert.False(newer.IsCompleted);
    }

    [Fact]
    public async Task A_ticket_disposed_twice_frees_one_slot()
    {
        var admission = Create(maxInFlight: 1, queueLimit: 1);
        var ticket = await admission.AdmitAsync(CancellationToken.None);
        ticket.Dispose();
        ticket.Dispose();

        using var next = await admission.AdmitAsync(CancellationToken.None);
        var queued = admission.AdmitAsync(CancellationToken.None).AsTask();

        Assert.True(next.Admitted);
        Assert.False(queued.IsCompleted);
        Assert.Equal(1, admission.InFlight);
        Assert.Equal(1, admission.Waiting);
    }

    [Fact]
    public async Task Disabled_admission_admits_everything()
    {
        var admission = new AdmissionController(Options.Create(new AdmissionOptions { Enabled = false, MaxInFlight = 1, QueueLimit = 0 }), _time);
        var tickets = new List<AdmissionTicket>();
        for (int i = 0; i < 10; i++)
        {
            tickets.Add(await admission.AdmitAsync(CancellationToken.None));
        }

        Assert.All(tickets, t => Assert.True(t.Admitted));
    }

    [Fact]
    public void A_refused_request_is_resource_exhausted_with_the_engines_message()
    {
        var outcome = InferenceOutcome.Failed(RouterError.Shed, "the router is overloaded: 128 requests or 512 rows in flight and 64 requests waiting; retry later");

        var status = ResultStatus.Of(outcome, deadlinePassed: false);

        Assert.Equal(StatusCode.ResourceExhausted, status.StatusCode);
        Assert.Contains("overloaded", status.Detail, StringComparison.Ordinal);
    }

    private AdmissionController Create(int maxInFlight, int queueLimit, int queueTimeoutMs = 1000, AdmissionQueueOrder order = AdmissionQueueOrder.AdaptiveLifo) =>
        new(Options.Create(new AdmissionOptions { MaxInFlight = maxInFlight, QueueLimit = queueLimit, QueueTimeoutMs = queueTimeoutMs, QueueOrder = order }), _time);
}
