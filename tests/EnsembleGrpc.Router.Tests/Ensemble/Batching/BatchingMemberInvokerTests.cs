using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Ensemble.Batching;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;
using EnsembleGrpc.Router.Tests.Support;
using Microsoft.Extensions.Options;
using static EnsembleGrpc.Router.Tests.Support.BatchRows;
using static EnsembleGrpc.Router.Tests.Support.TestModels;

namespace EnsembleGrpc.Router.Tests.Ensemble.Batching;

/// <summary>
/// Micro-batching in front of a member invoker whose calls the tests complete by hand: what leaves as one worker call,
/// what each request gets back, and what the shadow lane gives way to.
/// </summary>
public sealed class BatchingMemberInvokerTests
{
    private static readonly MemberModel A = Member("a", endpoints: "http://127.0.0.1:7001");
    private static readonly MemberModel B = Member("b", endpoints: "http://127.0.0.1:7002");

    private readonly ManualMemberInvoker _inner = new();

    [Fact]
    public async Task A_lone_request_goes_straight_through_with_its_callers_token()
    {
        var batching = Create(new MemberBatchingOptions());
        var ensemble = EnsembleOf([A], []);
        var input = Input(1, 2);
        using var caller = new CancellationTokenSource();

        var request = batching.InvokeAsync(A, ensemble, input, CallLane.Primary, caller.Token);

        Assert.True(_inner.TryTake(out var call));
        Assert.Same(input, call.Input);
        Assert.Equal(caller.Token, call.Token);
        Assert.Equal(CallLane.Primary, call.Lane);
        Assert.Same(A, call.Member);
        call.Echo();
        var outcome = await request;
        Assert.True(outcome.Succeeded);
        Assert.Equal([1f, 2f], AnsweredMarkers(outcome.Probabilities!));
        Assert.Equal(1, _inner.Count);
    }

    [Fact]
    public async Task Requests_waiting_for_busy_calls_leave_as_one_call_in_arrival_order_and_each_gets_its_own_rows()
    {
        var batching = Create(new MemberBatchingOptions { MaxCallsInFlight = 2 });
        var ensemble = EnsembleOf([A], []);
        var busy1 = batching.InvokeAsync(A, ensemble, Input(1), CallLane.Primary, CancellationToken.None);
        var busy2 = batching.InvokeAsync(A, ensemble, Input(2), CallLane.Primary, CancellationToken.None);
        Assert.True(_inner.TryTake(out var slot1));
        Assert.True(_inner.TryTake(out var slot2));

        // Both call slots are busy: these wait, and no call is made for them yet.
        using var caller = new CancellationTokenSource();
        var first = batching.InvokeAsync(A, ensemble, Input(10), CallLane.Primary, caller.Token);
        var second = batching.InvokeAsync(A, ensemble, Input(20, 21), CallLane.Primary, CancellationToken.None);
        var third = batching.InvokeAsync(A, ensemble, Input(30), CallLane.Primary, CancellationToken.None);
        Assert.Equal(2, _inner.Count);
        Assert.False(first.IsCompleted || second.IsCompleted || third.IsCompleted);

        slot1.Echo();
        var batch = await _inner.NextAsync();

        Assert.Equal([10f, 20f, 21f, 30f], Markers(batch.Input));
        // Its buffer comes from a pool and is longer than 4 rows; the worker is sent exactly the 4 rows.
        Assert.Equal(4 * ModelInput.PixelsPerImage * sizeof(float), batch.Input.Bytes.Length);
        // The batch belongs to no single caller: one leaving must not cancel the others' call.
        Assert.NotEqual(caller.Token, batch.Token);
        Assert.False(batch.Token.CanBeCanceled);
        batch.Echo();
        AssertRows(await first, 10f);
        AssertRows(await second, 20f, 21f);
        AssertRows(await third, 30f);
        AssertRows(await busy1, 1f);

        // Nobody waits any more: the other slot's return sends nothing.
        slot2.Echo();
        AssertRows(await busy2, 2f);
        Assert.Equal(3, _inner.Count);
    }

    [Fact]
    public async Task A_batch_never_exceeds_the_ensembles_max_batch_size_and_a_request_that_does_not_fit_goes_in_the_next()
    {
        var batching = Create(new MemberBatchingOptions { MaxCallsInFlight = 1 });
        var ensemble = EnsembleOf([A], []) with { MaxBatchSize = 4 };
        var busy = batching.InvokeAsync(A, ensemble, Input(0), CallLane.Primary, CancellationToken.None);
        Assert.True(_inner.TryTake(out var slot));
        var waiting = new[]
        {
            batching.InvokeAsync(A, ensemble, Input(1, 1), CallLane.Primary, CancellationToken.None),
            batching.InvokeAsync(A, ensemble, Input(2), CallLane.Primary, CancellationToken.None),
            batching.InvokeAsync(A, ensemble, Input(3, 3), CallLane.Primary, CancellationToken.None),
            batching.InvokeAsync(A, ensemble, Input(4, 4), CallLane.Primary, CancellationToken.None),
        };

        slot.Echo();
        var batch1 = await _inner.NextAsync();
        // 2 + 1 rows; the next request's 2 rows would make 5 > 4: it waits for the next batch, in order.
        Assert.Equal([1f, 1f, 2f], Markers(batch1.Input));
        batch1.Echo();
        var batch2 = await _inner.NextAsync();
        Assert.Equal([3f, 3f, 4f, 4f], Markers(batch2.Input));
        batch2.Echo();

        var outcomes = await Task.WhenAll(waiting);
        Assert.Equal([1f, 1f], AnsweredMarkers(outcomes[0].Probabilities!));
        Assert.Equal([2f], AnsweredMarkers(outcomes[1].Probabilities!));
        Assert.Equal([3f, 3f], AnsweredMarkers(outcomes[2].Probabilities!));
        Assert.Equal([4f, 4f], AnsweredMarkers(outcomes[3].Probabilities!));
        Assert.True((await busy).Succeeded);
    }

    [Fact]
    public async Task A_waiting_request_whose_caller_cancels_completes_at_once_as_cancelled_and_is_left_out_of_the_next_batch()
    {
        var batching = Create(new MemberBatchingOptions { MaxCallsInFlight = 1 });
        var ensemble = EnsembleOf([A], []);
        var busy = batching.InvokeAsync(A, ensemble, Input(0), CallLane.Primary, CancellationToken.None);
        Assert.True(_inner.TryTake(out var slot));
        using var leaving = new CancellationTokenSource();
        var left = batching.InvokeAsync(A, ensemble, Input(1), CallLane.Primary, leaving.Token);
        var stays1 = batching.InvokeAsync(A, ensemble, Input(2), CallLane.Primary, CancellationToken.None);
        var stays2 = batching.InvokeAsync(A, ensemble, Input(3), CallLane.Primary, CancellationToken.None);

        await leaving.CancelAsync();

        // Completed while the member's call is still busy: the caller does not wait for any batch.
        var cancelled = await Settled(left);
        Assert.False(slot.Task.IsCompleted);
        Assert.Equal(MemberFailureKind.Cancelled, cancelled.Failure);
        Assert.Equal("a", cancelled.Member);

        slot.Echo();
        var batch = await _inner.NextAsync();
        Assert.Equal([2f, 3f], Markers(batch.Input));
        batch.Echo();
        AssertRows(await stays1, 2f);
        AssertRows(await stays2, 3f);
        Assert.True((await busy).Succeeded);
    }

    [Fact]
    public async Task A_caller_who_leaves_a_batch_in_flight_gets_cancelled_at_once_and_the_others_still_get_their_rows()
    {
        var batching = Create(new MemberBatchingOptions { MaxCallsInFlight = 1 });
        var ensemble = EnsembleOf([A], []);
        _ = batching.InvokeAsync(A, ensemble, Input(0), CallLane.Primary, CancellationToken.None);
        Assert.True(_inner.TryTake(out var slot));
        using var leaving = new CancellationTokenSource();
        var left = batching.InvokeAsync(A, ensemble, Input(1), CallLane.Primary, leaving.Token);
        var stays = batching.InvokeAsync(A, ensemble, Input(2), CallLane.Primary, CancellationToken.None);
        slot.Echo();
        var batch = await _inner.NextAsync();

        await leaving.CancelAsync();

        Assert.Equal(MemberFailureKind.Cancelled, (await Settled(left)).Failure);
        Assert.False(batch.Task.IsCompleted);
        batch.Echo();
        AssertRows(await stays, 2f);
    }

    [Fact]
    public async Task A_batch_failure_reaches_every_request_in_it()
    {
        var batching = Create(new MemberBatchingOptions { MaxCallsInFlight = 1 });
        var ensemble = EnsembleOf([A], []);
        _ = batching.InvokeAsync(A, ensemble, Input(0), CallLane.Primary, CancellationToken.None);
        Assert.True(_inner.TryTake(out var slot));
        var first = batching.InvokeAsync(A, ensemble, Input(1), CallLane.Primary, CancellationToken.None);
        var second = batching.InvokeAsync(A, ensemble, Input(2, 2), CallLane.Primary, CancellationToken.None);
        slot.Echo();
        var batch = await _inner.NextAsync();

        batch.Fail(MemberFailureKind.Timeout, "no answer within 1000 ms");

        foreach (var outcome in await Task.WhenAll(first, second))
        {
            Assert.Equal(MemberFailureKind.Timeout, outcome.Failure);
            Assert.Equal("no answer within 1000 ms", outcome.Error);
            Assert.Equal("a", outcome.Member);
            Assert.Null(outcome.Probabilities);
        }

        Assert.Equal(2, _inner.Count);
    }

    [Fact]
    public async Task A_caller_blamed_rejection_of_a_batch_resends_each_request_alone_so_only_the_bad_one_is_rejected()
    {
        var batching = Create(new MemberBatchingOptions { MaxCallsInFlight = 1 });
        var ensemble = EnsembleOf([A], []);
        _ = batching.InvokeAsync(A, ensemble, Input(0), CallLane.Primary, CancellationToken.None);
        Assert.True(_inner.TryTake(out var slot));
        using var goodCaller = new CancellationTokenSource();
        var inputs = new[] { Input(1), Input(2), Input(3) };
        var good1 = batching.InvokeAsync(A, ensemble, inputs[0], CallLane.Primary, goodCaller.Token);
        var bad = batching.InvokeAsync(A, ensemble, inputs[1], CallLane.Primary, CancellationToken.None);
        var good2 = batching.InvokeAsync(A, ensemble, inputs[2], CallLane.Primary, CancellationToken.None);
        slot.Echo();
        var batch = await _inner.NextAsync();
        Assert.Equal(3, batch.Input.BatchSize);

        batch.Fail(MemberFailureKind.RejectedInvalid, "InvalidArgument: a value is out of range");

        // Each request again, alone, on its own caller's token.
        var alone = new[] { await _inner.NextAsync(), await _inner.NextAsync(), await _inner.NextAsync() };
        Assert.Equal(inputs, alone.Select(c => c.Input).OrderBy(i => Array.IndexOf(inputs, i)));
        Assert.Equal(goodCaller.Token, alone.Single(c => c.Input == inputs[0]).Token);
        foreach (var call in alone)
        {
            if (call.Input == inputs[1])
            {
                call.Fail(MemberFailureKind.RejectedInvalid, "InvalidArgument: a value is out of range");
            }
            else
            {
                call.Echo();
            }
        }

        AssertRows(await good1, 1f);
        AssertRows(await good2, 3f);
        var rejected = await bad;
        Assert.Equal(MemberFailureKind.RejectedInvalid, rejected.Failure);
        Assert.Equal("InvalidArgument: a value is out of range", rejected.Error);
        Assert.Equal(5, _inner.Count);
    }

    [Fact]
    public async Task An_answer_of_the_wrong_length_gives_every_request_an_invalid_output()
    {
        var batching = Create(new MemberBatchingOptions { MaxCallsInFlight = 1 });
        var ensemble = EnsembleOf([A], []);
        _ = batching.InvokeAsync(A, ensemble, Input(0), CallLane.Primary, CancellationToken.None);
        Assert.True(_inner.TryTake(out var slot));
        var first = batching.InvokeAsync(A, ensemble, Input(1), CallLane.Primary, CancellationToken.None);
        var second = batching.InvokeAsync(A, ensemble, Input(2, 2), CallLane.Primary, CancellationToken.None);
        slot.Echo();
        var batch = await _inner.NextAsync();

        // Three rows asked for, two answered: nobody can tell whose rows are missing.
        batch.Answer(new float[2 * Classes]);

        foreach (var outcome in await Task.WhenAll(first, second))
        {
            Assert.Equal(MemberFailureKind.InvalidOutput, outcome.Failure);
            Assert.Null(outcome.Probabilities);
            Assert.Contains("20 values for a batch of 3 rows", outcome.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_shadow_lane_is_shed_while_primary_requests_for_the_same_member_wait()
    {
        var batching = Create(new MemberBatchingOptions { MaxCallsInFlight = 1 });
        var ensemble = EnsembleOf([A, B], []);
        _ = batching.InvokeAsync(A, ensemble, Input(0), CallLane.Primary, CancellationToken.None);
        var waitingPrimary = batching.InvokeAsync(A, ensemble, Input(1), CallLane.Primary, CancellationToken.None);
        Assert.True(_inner.TryTake(out var slot));

        var shedding = batching.InvokeAsync(A, ensemble, Input(2), CallLane.Shadow, CancellationToken.None);

        // Answered at once: a shed copy neither waits nor is sent.
        Assert.True(shedding.IsCompleted);
        var shed = await shedding;

        Assert.Equal(MemberFailureKind.Shed, shed.Failure);
        Assert.Equal("a", shed.Member);
        Assert.Equal(1, _inner.Count);

        // Another member's shadow copy has no primary request waiting: it is sent, on the shadow lane.
        var other = batching.InvokeAsync(B, ensemble, Input(3), CallLane.Shadow, CancellationToken.None);
        Assert.True(_inner.TryTake(out var shadowCall));
        Assert.Equal(CallLane.Shadow, shadowCall.Lane);
        Assert.Same(B, shadowCall.Member);
        shadowCall.Echo();
        Assert.True((await other).Succeeded);

        slot.Echo();
        var batch = await _inner.NextAsync();
        Assert.Equal(CallLane.Primary, batch.Lane);
        batch.Echo();
        Assert.True((await waitingPrimary).Succeeded);
    }

    [Fact]
    public async Task The_shadow_lane_sheds_beyond_its_queue_bound_and_otherwise_waits_for_its_own_call_slot()
    {
        // One shadow call slot; its queue holds ShadowQueueBatches × MaxBatchSize = 1 × 4 rows.
        var batching = Create(new MemberBatchingOptions { MaxCallsInFlight = 4, ShadowMaxCallsInFlight = 1, ShadowQueueBatches = 1 });
        var ensemble = EnsembleOf([A], []) with { MaxBatchSize = 4 };
        var inFlight = batching.InvokeAsync(A, ensemble, Input(0), CallLane.Shadow, CancellationToken.None);
        Assert.True(_inner.TryTake(out var slot));
        Assert.Equal(CallLane.Shadow, slot.Lane);
        var queued = new[]
        {
            batching.InvokeAsync(A, ensemble, Input(1, 1), CallLane.Shadow, CancellationToken.None),
            batching.InvokeAsync(A, ensemble, Input(2, 2), CallLane.Shadow, CancellationToken.None),
        };

        var shedding = batching.InvokeAsync(A, ensemble, Input(3), CallLane.Shadow, CancellationToken.None);

        Assert.True(shedding.IsCompleted);
        var beyond = await shedding;
        Assert.Equal(MemberFailureKind.Shed, beyond.Failure);
        Assert.Equal(1, _inner.Count);
        // The primary lane has call slots of its own: a primary request is not held up by the shadow's.
        var primary = batching.InvokeAsync(A, ensemble, Input(9), CallLane.Primary, CancellationToken.None);
        Assert.True(_inner.TryTake(out var primaryCall));
        Assert.Equal(CallLane.Primary, primaryCall.Lane);
        primaryCall.Echo();
        Assert.True((await primary).Succeeded);

        slot.Echo();
        var batch = await _inner.NextAsync();
        Assert.Equal(CallLane.Shadow, batch.Lane);
        Assert.Equal([1f, 1f, 2f, 2f], Markers(batch.Input));
        batch.Echo();
        Assert.All(await Task.WhenAll(queued), o => Assert.True(o.Succeeded));
        Assert.True((await inFlight).Succeeded);
    }

    [Fact]
    public async Task Disabled_batching_calls_the_inner_invoker_directly_for_every_request()
    {
        var batching = Create(new MemberBatchingOptions { Enabled = false, MaxCallsInFlight = 1 });
        var ensemble = EnsembleOf([A], []);
        using var second = new CancellationTokenSource();

        var one = batching.InvokeAsync(A, ensemble, Input(1), CallLane.Primary, CancellationToken.None);
        var two = batching.InvokeAsync(A, ensemble, Input(2), CallLane.Shadow, second.Token);

        // Beyond MaxCallsInFlight, and nothing waits: each request is its own call.
        Assert.True(_inner.TryTake(out var call1));
        Assert.True(_inner.TryTake(out var call2));
        Assert.Equal([2f], Markers(call2.Input));
        Assert.Equal(second.Token, call2.Token);
        Assert.Equal(CallLane.Shadow, call2.Lane);
        call2.Echo();
        call1.Echo();
        AssertRows(await one, 1f);
        AssertRows(await two, 2f);
    }

    [Fact]
    public async Task Different_members_models_never_share_a_batch()
    {
        var batching = Create(new MemberBatchingOptions { MaxCallsInFlight = 1 });
        var ensemble = EnsembleOf([A, B], []);
        _ = batching.InvokeAsync(A, ensemble, Input(0), CallLane.Primary, CancellationToken.None);
        _ = batching.InvokeAsync(B, ensemble, Input(0), CallLane.Primary, CancellationToken.None);
        Assert.True(_inner.TryTake(out var slotA));
        Assert.True(_inner.TryTake(out var slotB));
        var a1 = batching.InvokeAsync(A, ensemble, Input(1), CallLane.Primary, CancellationToken.None);
        var b1 = batching.InvokeAsync(B, ensemble, Input(2), CallLane.Primary, CancellationToken.None);
        var a2 = batching.InvokeAsync(A, ensemble, Input(3), CallLane.Primary, CancellationToken.None);

        slotA.Echo();
        var batchA = await _inner.NextAsync();
        Assert.Same(A, batchA.Member);
        Assert.Equal([1f, 3f], Markers(batchA.Input));
        Assert.False(b1.IsCompleted);
        slotB.Echo();
        var batchB = await _inner.NextAsync();
        Assert.Same(B, batchB.Member);
        Assert.Equal([2f], Markers(batchB.Input));
        batchA.Echo();
        batchB.Echo();
        AssertRows(await a1, 1f);
        AssertRows(await a2, 3f);
        AssertRows(await b1, 2f);
    }

    [Fact]
    public async Task The_same_model_in_another_version_never_shares_a_batch()
    {
        var batching = Create(new MemberBatchingOptions { MaxCallsInFlight = 1 });
        var v1 = A with { Version = "1" };
        var v2 = A with { Name = "a_candidate", Version = "2" };
        var ensemble = EnsembleOf([v1, v2], []);
        _ = batching.InvokeAsync(v1, ensemble, Input(0), CallLane.Primary, CancellationToken.None);
        var next = batching.InvokeAsync(v1, ensemble, Input(1), CallLane.Primary, CancellationToken.None);

        // Same model name and endpoint but another version: its own queue, with a free slot.
        var candidate = batching.InvokeAsync(v2, ensemble, Input(2), CallLane.Primary, CancellationToken.None);

        Assert.True(_inner.TryTake(out var slot));
        Assert.True(_inner.TryTake(out var candidateCall));
        Assert.Same(v2, candidateCall.Member);
        Assert.Equal([2f], Markers(candidateCall.Input));
        candidateCall.Echo();
        Assert.True((await candidate).Succeeded);
        slot.Echo();
        var batch = await _inner.NextAsync();
        Assert.Equal([1f], Markers(batch.Input));
        batch.Echo();
        Assert.True((await next).Succeeded);
    }

    [Fact]
    public async Task A_shadow_copy_is_not_shed_for_primary_requests_whose_callers_have_left()
    {
        var batching = Create(new MemberBatchingOptions { MaxCallsInFlight = 1 });
        var ensemble = EnsembleOf([A], []);
        _ = batching.InvokeAsync(A, ensemble, Input(0), CallLane.Primary, CancellationToken.None);
        Assert.True(_inner.TryTake(out var slot));
        using var leaving = new CancellationTokenSource();
        var left = batching.InvokeAsync(A, ensemble, Input(1), CallLane.Primary, leaving.Token);
        await leaving.CancelAsync();
        Assert.Equal(MemberFailureKind.Cancelled, (await Settled(left)).Failure);

        // No primary request waits any more: the shadow's own free call slot takes the copy.
        var copy = batching.InvokeAsync(A, ensemble, Input(2), CallLane.Shadow, CancellationToken.None);

        Assert.False(copy.IsCompleted, "the copy was shed");
        Assert.True(_inner.TryTake(out var shadowCall));
        Assert.Equal(CallLane.Shadow, shadowCall.Lane);
        shadowCall.Echo();
        AssertRows(await copy, 2f);
        slot.Echo();
    }

    [Fact]
    public async Task Two_members_naming_one_model_on_the_same_workers_share_a_batch_and_each_keeps_its_own_name()
    {
        var batching = Create(new MemberBatchingOptions { MaxCallsInFlight = 1 });
        var alias = A with { Name = "a_in_digits" };
        var ensemble = EnsembleOf([A], []);
        var other = EnsembleOf([alias], []) with { Name = "digits" };
        _ = batching.InvokeAsync(A, ensemble, Input(0), CallLane.Primary, CancellationToken.None);
        Assert.True(_inner.TryTake(out var slot));
        var mine = batching.InvokeAsync(A, ensemble, Input(1), CallLane.Primary, CancellationToken.None);
        var theirs = batching.InvokeAsync(alias, other, Input(2), CallLane.Primary, CancellationToken.None);

        slot.Echo();
        var batch = await _inner.NextAsync();

        Assert.Equal([1f, 2f], Markers(batch.Input));
        batch.Echo();
        Assert.Equal("a", (await mine).Member);
        Assert.Equal("a_in_digits", (await theirs).Member);
        AssertRows(await theirs, 2f);
    }

    [Fact]
    public async Task Each_replica_adds_call_slots()
    {
        var batching = Create(new MemberBatchingOptions { MaxCallsInFlight = 1 });
        var replicated = Member("r", endpoints: ["http://127.0.0.1:7011", "http://127.0.0.1:7012"]);
        var ensemble = EnsembleOf([replicated], []);

        _ = batching.InvokeAsync(replicated, ensemble, Input(1), CallLane.Primary, CancellationToken.None);
        _ = batching.InvokeAsync(replicated, ensemble, Input(2), CallLane.Primary, CancellationToken.None);
        var third = batching.InvokeAsync(replicated, ensemble, Input(3), CallLane.Primary, CancellationToken.None);

        Assert.Equal(2, _inner.Count);
        Assert.True(_inner.TryTake(out var first));
        Assert.True(_inner.TryTake(out var second));
        Assert.NotEqual(first.Input, second.Input);
        first.Echo();
        var next = await _inner.NextAsync();
        Assert.Equal([3f], Markers(next.Input));
        next.Echo();
        AssertRows(await third, 3f);
    }

    /// <summary>The outcome of a request that must complete without any further call returning; the limit only keeps a broken queue from hanging the run.</summary>
    private static Task<MemberOutcome> Settled(Task<MemberOutcome> request) => request.WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>The request got an answer of exactly these rows (by their markers).</summary>
    private static void AssertRows(MemberOutcome outcome, params float[] markers)
    {
        Assert.True(outcome.Succeeded, outcome.Describe());
        Assert.Equal(markers, AnsweredMarkers(outcome.Probabilities!));
    }

    private BatchingMemberInvoker Create(MemberBatchingOptions options) => new(_inner, Options.Create(options), TimeProvider.System);
}
