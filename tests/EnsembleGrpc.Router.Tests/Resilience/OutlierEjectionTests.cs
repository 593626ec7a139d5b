using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;
using EnsembleGrpc.Router.Resilience;
using EnsembleGrpc.Router.Resilience.Ejection;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Router.Workers;
using EnsembleGrpc.Tests.Shared;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static EnsembleGrpc.Router.Tests.Support.TestModels;

namespace EnsembleGrpc.Router.Tests.Resilience;

public sealed class OutlierEjectionTests
{
    private const string A = "http://127.0.0.1:9101";
    private const string B = "http://127.0.0.1:9102";
    private const string C = "http://127.0.0.1:9103";
    private const string D = "http://127.0.0.1:9104";
    private static readonly ModelInput Input = new(new float[784], 1);

    private readonly ManualTimeProvider _time = new();
    private readonly EjectionOptions _options = new();
    private readonly EndpointRegistry _registry;
    private readonly OutlierDetector _detector;
    private readonly MemberModel _a = Member("a", endpoints: A);
    private readonly MemberModel _b = Member("b", endpoints: B);
    private readonly MemberModel _c = Member("c", endpoints: C);
    private readonly EnsembleModel _ensemble;
    private readonly EndpointSettings _settings;

    public OutlierEjectionTests()
    {
        _registry = new EndpointRegistry(_time, NullLogger<EndpointRegistry>.Instance, Options.Create(_options));
        _detector = new OutlierDetector(Options.Create(_options), _registry, _time, NullLogger<OutlierDetector>.Instance);
        _ensemble = EnsembleOf([_a, _b, _c], [Arm("bagging", "bagging", 1, [_a, _b, _c])]);
        _settings = new EndpointSettings(_ensemble.Timeout, _ensemble.Breaker);
    }

    [Fact]
    public async Task Three_worker_failures_in_a_row_eject_a_single_replica_member_which_is_then_skipped_without_a_call()
    {
        var client = new ScriptedClient { Behaviour = (_, _) => throw new RpcException(new Status(StatusCode.Unavailable, "down")) };
        var invoker = new ResilientMemberInvoker(client, _registry, new Random(1), _time, _detector);

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(MemberFailureKind.WorkerError, (await invoker.InvokeAsync(_a, _ensemble, Input, CallLane.Primary, CancellationToken.None)).Failure);
        }

        var skipped = await invoker.InvokeAsync(_a, _ensemble, Input, CallLane.Primary, CancellationToken.None);

        Assert.Equal(MemberFailureKind.Ejected, skipped.Failure);
        Assert.Equal(3, client.Calls);
        Assert.Equal("ejected", FallbackReasons.Code(skipped.Failure));
        Assert.Equal(1, _registry.Find(A, _settings)!.FailuresByKind["ejected"]);
    }

    [Fact]
    public async Task Rejections_that_blame_the_request_overload_and_the_callers_cancellation_never_eject()
    {
        var client = new ScriptedClient();
        var invoker = new ResilientMemberInvoker(client, _registry, new Random(1), _time, _detector);
        StatusCode[] blameless = [StatusCode.InvalidArgument, StatusCode.NotFound, StatusCode.OutOfRange, StatusCode.FailedPrecondition, StatusCode.ResourceExhausted];
        foreach (var code in blameless)
        {
            client.Behaviour = (_, _) => throw new RpcException(new Status(code, "the request's fault"));
            for (int i = 0; i < 3; i++)
            {
                await invoker.InvokeAsync(_a, _ensemble, Input, CallLane.Primary, CancellationToken.None);
            }
        }

        for (int i = 0; i < 3; i++)
        {
            using var caller = new CancellationTokenSource();
            client.Behaviour = async (_, token) =>
            {
                await caller.CancelAsync();
                token.ThrowIfCancellationRequested();
                return Row(1, 1f);
            };
            await invoker.InvokeAsync(_a, _ensemble, Input, CallLane.Primary, caller.Token);
        }

        Assert.False(_registry.Find(A, _settings)!.Ejection.IsEjected);
        Assert.Equal(EjectionGate.Open, _detector.Enter(_registry.Find(A, _settings)!));
    }

    [Fact]
    public void After_its_ejection_time_one_probe_goes_through_and_its_success_readmits_the_endpoint()
    {
        var a = _registry.Get(A, _settings);
        EjectByFailures(a, _a);

        _time.Advance(TimeSpan.FromMilliseconds(_options.BaseEjectionMs - 1));
        Assert.Equal(EjectionGate.Ejected, _detector.Enter(a));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(a.IsHealthy && a.IsAvailable);
        Assert.Equal(EjectionGate.Probe, _detector.Enter(a));
        // One probe at a time: the next call still finds the endpoint out.
        Assert.Equal(EjectionGate.Ejected, _detector.Enter(a));
        Assert.False(a.IsAvailable);

        _detector.OnSuccess(a, _a, _ensemble, TimeSpan.FromMilliseconds(3), EjectionGate.Probe, wasSlow: false);

        Assert.False(a.Ejection.IsEjected);
        Assert.Equal(EjectionGate.Open, _detector.Enter(a));
    }

    [Fact]
    public void A_worker_out_for_failures_is_readmitted_by_a_slow_probe_answer_one_out_for_slowness_is_not()
    {
        var (a, b, c) = (_registry.Get(A, _settings), _registry.Get(B, _settings), _registry.Get(C, _settings));
        FillWindow(a, _a, 5);
        FillWindow(b, _b, 5);
        FillWindow(c, _c, 5);

        // Down (connection refused), then restarted: its first answer is slow with cold code paths, and it is back.
        // The slow-call watch fires on that probe while a peer answers, and waits for the answer all the same.
        EjectByFailures(a, _a);
        Assert.False(a.Ejection.EjectedForLatency);
        _time.Advance(TimeSpan.FromMilliseconds(_options.BaseEjectionMs));
        Assert.Equal(EjectionGate.Probe, _detector.Enter(a));
        _detector.OnSuccess(b, _b, _ensemble, TimeSpan.FromMilliseconds(5), EjectionGate.Open, false);
        _detector.OnSlowCall(a, _a, _ensemble, EjectionGate.Probe, TimeSpan.FromMilliseconds(_options.SlowCallFloorMs));
        Assert.True(a.Ejection.IsProbing);
        _detector.OnSuccess(a, _a, _ensemble, TimeSpan.FromMilliseconds(400), EjectionGate.Probe, wasSlow: true);
        Assert.False(a.Ejection.IsEjected);

        // Back at its 5 ms pace (the readmission started its window afresh), then out for slowness (slow calls against
        // that pace while a peer answered): a probe as slow as those keeps it out, for longer.
        FillWindow(a, _a, 5);
        _detector.OnSuccess(b, _b, _ensemble, TimeSpan.FromMilliseconds(5), EjectionGate.Open, false);
        for (int i = 0; i < _options.ConsecutiveFailures; i++)
        {
            _detector.OnSlowCall(a, _a, _ensemble, _detector.Enter(a), TimeSpan.FromMilliseconds(_options.SlowCallFloorMs));
        }

        Assert.True(a.Ejection.EjectedForLatency);
        _time.Advance(TimeSpan.FromMilliseconds(_options.MaxEjectionMs));
        Assert.Equal(EjectionGate.Probe, _detector.Enter(a));
        _detector.OnSuccess(a, _a, _ensemble, TimeSpan.FromMilliseconds(400), EjectionGate.Probe, wasSlow: false);
        Assert.True(a.Ejection.IsEjected);
        Assert.Equal(3, a.Ejection.Ejections);
    }

    [Fact]
    public async Task A_probe_that_says_nothing_about_the_worker_leaves_it_ejected_and_the_next_call_probes_again()
    {
        var client = new ScriptedClient { Behaviour = (_, _) => throw new RpcException(new Status(StatusCode.Unavailable, "down")) };
        var invoker = new ResilientMemberInvoker(client, _registry, new Random(1), _time, _detector);
        for (int i = 0; i < 3; i++)
        {
            await invoker.InvokeAsync(_a, _ensemble, Input, CallLane.Primary, CancellationToken.None);
        }

        _time.Advance(TimeSpan.FromMilliseconds(_options.BaseEjectionMs));
        // Busy is not broken, and says nothing either way (as a breaker's refusal or the caller leaving).
        client.Behaviour = (_, _) => throw new RpcException(new Status(StatusCode.ResourceExhausted, "queue full"));
        var busy = await invoker.InvokeAsync(_a, _ensemble, Input, CallLane.Primary, CancellationToken.None);
        Assert.Equal(MemberFailureKind.Overloaded, busy.Failure);
        Assert.True(_registry.Find(A, _settings)!.Ejection.IsEjected);

        client.Behaviour = (_, _) => Task.FromResult(Row(1, 1f));
        var next = await invoker.InvokeAsync(_a, _ensemble, Input, CallLane.Primary, CancellationToken.None);

        Assert.True(next.Succeeded);
        Assert.Equal(5, client.Calls);
        Assert.False(_registry.Find(A, _settings)!.Ejection.IsEjected);
    }

    [Fact]
    public void A_failed_probe_ejects_again_for_longer_each_time_up_to_the_maximum()
    {
        _options.MaxEjectionMs = 2500;
        var a = _registry.Get(A, _settings);
        EjectByFailures(a, _a);
        _time.Advance(TimeSpan.FromMilliseconds(_options.BaseEjectionMs));

        // Base × ejections in a row: 2 × 1000 ms, then 3 × 1000 ms capped at 2500 ms.
        foreach (int ms in new[] { 2000, 2500 })
        {
            Assert.Equal(EjectionGate.Probe, _detector.Enter(a));
            _detector.OnFailure(a, _a, _ensemble, EjectionGate.Probe, "timeout");

            _time.Advance(TimeSpan.FromMilliseconds(ms - 1));
            Assert.Equal(EjectionGate.Ejected, _detector.Enter(a));
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(EjectionGate.Probe, _detector.Enter(a));
        Assert.Equal(3, a.Ejection.Ejections);
    }

    [Fact]
    public void A_replica_far_slower_than_its_sibling_replicas_is_ejected_on_latency_but_not_one_under_the_floor()
    {
        var r = Member("r", endpoints: [C, D]);
        var ensemble = EnsembleOf([_a, _b, r], [Arm("bagging", "bagging", 1, [_a, _b, r])]);
        var (c, d) = (_registry.Get(C, _settings), _registry.Get(D, _settings));
        FillWindow(d, r, 12, ensemble);

        for (int i = 0; i < _options.MinimumSamples; i++)
        {
            // Seven times its sibling but under the 100 ms floor: a fast member's noise, not an outlier.
            _detector.OnSuccess(c, r, ensemble, TimeSpan.FromMilliseconds(90), EjectionGate.Open, false);
        }

        Assert.False(c.Ejection.IsEjected);

        FillWindow(c, r, 300, ensemble);

        Assert.True(c.Ejection.IsEjected);
        Assert.False(d.Ejection.IsEjected);
        // The slow answers after the first ejection (calls sent before it) did not eject it again, nor for longer.
        Assert.Equal(1, c.Ejection.Ejections);
        _time.Advance(TimeSpan.FromMilliseconds(_options.BaseEjectionMs));
        Assert.Equal(EjectionGate.Probe, _detector.Enter(c));
    }

    [Fact]
    public async Task A_stalled_member_is_ejected_after_three_calls_slower_than_its_peers_long_before_its_timeout()
    {
        var (a, b, c) = (_registry.Get(A, _settings), _registry.Get(B, _settings), _registry.Get(C, _settings));
        FillWindow(a, _a, 5);
        FillWindow(b, _b, 5);
        FillWindow(c, _c, 6);

        var stall = new TaskCompletionSource<float[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var client = new ScriptedClient { Behaviour = (_, _) => stall.Task };
        var ejected = new EjectionSignal();
        var detector = new OutlierDetector(Options.Create(_options), _registry, _time, ejected);
        var invoker = new ResilientMemberInvoker(client, _registry, new Random(1), _time, detector);
        // max(floor 100 ms, 4 × its own 5 ms p90 from before): a call still running after 100 ms is slow.
        Assert.Equal(TimeSpan.FromMilliseconds(100), _detector.SlowCallThreshold(_ensemble, _a, a, rows: 1));
        var calls = new List<Task<MemberOutcome>>();
        for (int i = 0; i < 3; i++)
        {
            int armed = _time.ActiveTimers;
            calls.Add(invoker.InvokeAsync(_a, _ensemble, Input, CallLane.Primary, CancellationToken.None));
            // The call's own timeout and the slow-call watch.
            await _time.WaitForTimersAsync(armed + 2);
            _time.Advance(TimeSpan.FromMilliseconds(90));
            // Its peers keep answering meanwhile: the slowness is this member's.
            detector.OnSuccess(b, _b, _ensemble, TimeSpan.FromMilliseconds(5), EjectionGate.Open, false);
            _time.Advance(TimeSpan.FromMilliseconds(10));
        }

        await ejected.Task;
        var skipped = await invoker.InvokeAsync(_a, _ensemble, Input, CallLane.Primary, CancellationToken.None);

        Assert.Equal(MemberFailureKind.Ejected, skipped.Failure);
        Assert.All(calls, c => Assert.False(c.IsCompleted));
        stall.SetResult(Row(1, 1f));
        Assert.All(await Task.WhenAll(calls), o => Assert.True(o.Succeeded));
        // Their late answers do not readmit it: only the probe does.
        Assert.True(a.Ejection.IsEjected);
    }

    [Fact]
    public async Task A_clients_large_batches_are_not_slow_calls_for_their_size_but_a_stalled_large_batch_still_ejects()
    {
        var (a, b, c) = (_registry.Get(A, _settings), _registry.Get(B, _settings), _registry.Get(C, _settings));
        FillWindow(a, _a, 5, samples: _options.LatencyWindow);
        FillWindow(b, _b, 5);
        FillWindow(c, _c, 6);

        // Its own p90 is 5 ms per row: a 1-row call is slow after the 100 ms floor, a 10-row one after 4 × 5 × 10 ms.
        Assert.Equal(TimeSpan.FromMilliseconds(100), _detector.SlowCallThreshold(_ensemble, _a, a, rows: 1));
        Assert.Equal(TimeSpan.FromMilliseconds(200), _detector.SlowCallThreshold(_ensemble, _a, a, rows: 10));
        Assert.Equal(TimeSpan.FromMilliseconds(1000), _detector.SlowCallThreshold(_ensemble, _a, a, rows: 50));

        var large = new ModelInput(new float[10 * ModelInput.PixelsPerImage], 10);
        var answers = new Queue<TaskCompletionSource<float[]>>();
        var client = new ScriptedClient { Behaviour = (_, _) => Next(answers).Task };
        var ejected = new EjectionSignal();
        var detector = new OutlierDetector(Options.Create(_options), _registry, _time, ejected);
        var invoker = new ResilientMemberInvoker(client, _registry, new Random(1), _time, detector);

        // Three 10-row calls of 150 ms each, while the peers answer their small calls: over the 100 ms that a 1-row
        // call gets, and the member's ordinary pace for that size. It stays in.
        for (int i = 0; i < _options.ConsecutiveFailures; i++)
        {
            var call = await StartAsync(invoker, large, answers);
            _time.Advance(TimeSpan.FromMilliseconds(30));
            detector.OnSuccess(b, _b, _ensemble, TimeSpan.FromMilliseconds(5), EjectionGate.Open, false);
            _time.Advance(TimeSpan.FromMilliseconds(120));
            answers.Dequeue().SetResult(Rows(10));
            Assert.True((await call).Succeeded);
        }

        Assert.False(a.Ejection.IsEjected);
        Assert.False(a.Ejection.IsUnreliable);

        // Stalled: three 10-row calls still running at 200 ms while a peer answered in that time eject it (all three
        // within the calls' 1 s timeout).
        var stalled = new List<Task<MemberOutcome>>();
        for (int i = 0; i < _options.ConsecutiveFailures; i++)
        {
            stalled.Add(await StartAsync(invoker, large, answers));
            _time.Advance(TimeSpan.FromMilliseconds(190));
            detector.OnSuccess(b, _b, _ensemble, TimeSpan.FromMilliseconds(5), EjectionGate.Open, false);
            _time.Advance(TimeSpan.FromMilliseconds(10));
        }

        await ejected.Task;
        Assert.True(a.Ejection.IsEjected);
        foreach (var answer in answers)
        {
            answer.SetResult(Rows(10));
        }

        Assert.All(await Task.WhenAll(stalled), o => Assert.True(o.Succeeded));
    }

    [Fact]
    public void The_probe_of_a_replica_out_for_slowness_is_judged_for_its_rows()
    {
        var r = Member("r", endpoints: [C, D]);
        var ensemble = EnsembleOf([_a, _b, r], [Arm("bagging", "bagging", 1, [_a, _b, r])]);
        var (c, d) = (_registry.Get(C, _settings), _registry.Get(D, _settings));
        FillWindow(d, r, 5, ensemble);

        for (int i = 0; i < _options.MinimumSamples && !c.Ejection.IsEjected; i++)
        {
            _detector.OnSuccess(c, r, ensemble, TimeSpan.FromMilliseconds(400), EjectionGate.Open, false);
        }

        Assert.True(c.Ejection.EjectedForLatency);

        // 150 ms for one row is 30 times its sibling's: it stays out.
        _time.Advance(TimeSpan.FromMilliseconds(_options.MaxEjectionMs));
        Assert.Equal(EjectionGate.Probe, _detector.Enter(c));
        _detector.OnSuccess(c, r, ensemble, TimeSpan.FromMilliseconds(150), EjectionGate.Probe, wasSlow: false, rows: 1);
        Assert.True(c.Ejection.IsEjected);

        // 150 ms for 50 rows is 3 ms a row, under its sibling's 5: it is back.
        _time.Advance(TimeSpan.FromMilliseconds(_options.MaxEjectionMs));
        Assert.Equal(EjectionGate.Probe, _detector.Enter(c));
        _detector.OnSuccess(c, r, ensemble, TimeSpan.FromMilliseconds(150), EjectionGate.Probe, wasSlow: false, rows: 50);
        Assert.False(c.Ejection.IsEjected);
    }

    [Fact]
    public void A_member_costly_by_design_beside_faster_members_is_neither_a_slow_call_nor_a_latency_outlier()
    {
        var (a, b, c) = (_registry.Get(A, _settings), _registry.Get(B, _settings), _registry.Get(C, _settings));
        FillWindow(a, _a, 20);
        FillWindow(b, _b, 25);

        // c runs a model five times as costly: 110 ms a call, every call.
        FillWindow(c, _c, 110, samples: _options.LatencyWindow);

        Assert.False(c.Ejection.IsEjected);
        // Its calls are watched against its own pace (4 × 110 ms), not the others' (which would make every call slow).
        Assert.Equal(TimeSpan.FromMilliseconds(440), _detector.SlowCallThreshold(_ensemble, _c, c, rows: 1));
        Assert.Equal(TimeSpan.FromMilliseconds(100), _detector.SlowCallThreshold(_ensemble, _a, a, rows: 1));
    }

    [Fact]
    public void A_member_with_no_answers_yet_has_no_slow_call_watch_only_its_failures_count()
    {
        var (a, b) = (_registry.Get(A, _settings), _registry.Get(B, _settings));
        FillWindow(b, _b, 5);

        Assert.Null(_detector.SlowCallThreshold(_ensemble, _a, a, rows: 1));
        EjectByFailures(a, _a);
        Assert.True(a.Ejection.IsEjected);
    }

    [Fact]
    public void Slow_calls_while_no_peer_answers_are_the_machines_stall_and_do_not_eject()
    {
        var (a, b) = (_registry.Get(A, _settings), _registry.Get(B, _settings));
        FillWindow(a, _a, 5);
        FillWindow(b, _b, 5);

        var threshold = _detector.SlowCallThreshold(_ensemble, _a, a, rows: 1)!.Value;
        _time.Advance(threshold * 2);
        for (int i = 0; i < _options.ConsecutiveFailures * 2; i++)
        {
            _detector.OnSlowCall(a, _a, _ensemble, _detector.Enter(a), threshold);
        }

        Assert.False(a.Ejection.IsEjected);

        _detector.OnSuccess(b, _b, _ensemble, TimeSpan.FromMilliseconds(5), EjectionGate.Open, false);
        for (int i = 0; i < _options.ConsecutiveFailures; i++)
        {
            _detector.OnSlowCall(a, _a, _ensemble, _detector.Enter(a), threshold);
        }

        Assert.True(a.Ejection.IsEjected);
    }

    [Fact]
    public void The_budget_never_ejects_so_many_members_that_the_quorum_is_out_of_reach()
    {
        var ensemble = EnsembleOf([_a, _b, _c], [Arm("bagging", "bagging", 1, [_a, _b, _c])], quorum: 2);
        var (a, b) = (_registry.Get(A, _settings), _registry.Get(B, _settings));

        EjectByFailures(a, _a, ensemble);
        EjectByFailures(b, _b, ensemble);

        Assert.True(a.Ejection.IsEjected);
        Assert.False(b.Ejection.IsEjected);
    }

    [Fact]
    public void A_single_endpoint_member_stays_in_while_another_members_failing_replica_could_cost_the_quorum()
    {
        // r has two replicas; C is partitioned. Until C is ejected (or while its probe is out), a request whose r call
        // goes to C loses r, and with a ejected too it would keep only b: below the quorum of 2.
        var r = Member("r", endpoints: [C, D]);
        var ensemble = EnsembleOf([_a, _b, r], [Arm("bagging", "bagging", 1, [_a, _b, r])], quorum: 2);
        var (a, c) = (_registry.Get(A, _settings), _registry.Get(C, _settings));
        _detector.OnFailure(c, r, ensemble, _detector.Enter(c), "timeout");

        EjectByFailures(a, _a, ensemble);
        Assert.False(a.Ejection.IsEjected);

        EjectByFailures(c, r, ensemble); // C out and skipped by the balancer: r answers from D
        Assert.True(c.Ejection.IsEjected);
        EjectByFailures(a, _a, ensemble);
        Assert.True(a.Ejection.IsEjected);
    }

    [Fact]
    public void A_replica_is_ejected_and_skipped_by_the_balancer_but_never_a_members_last_replica()
    {
        var member = Member("r", endpoints: [A, B]);
        var ensemble = EnsembleOf([member], [Arm("bagging", "bagging", 1, [member])]);
        var (a, b) = (_registry.Get(A, _settings), _registry.Get(B, _settings));

        EjectByFailures(a, member, ensemble);
        EjectByFailures(b, member, ensemble);

        Assert.True(a.Ejection.IsEjected);
        Assert.False(b.Ejection.IsEjected);
        var random = new Random(3);
        for (int i = 0; i < 20; i++)
        {
            Assert.Same(b, ReplicaBalancer.Pick([a, b], random));
        }
    }

    /// <summary>Fills an endpoint's latency window: <see cref="EjectionOptions.MinimumSamples"/> 1-row answers of <paramref name="ms"/>.</summary>
    private void FillWindow(EndpointState endpoint, MemberModel member, double ms, EnsembleModel? ensemble = null, int? samples = null)
    {
        for (int i = 0; i < (samples ?? _options.MinimumSamples); i++)
        {
            _detector.OnSuccess(endpoint, member, ensemble ?? _ensemble, TimeSpan.FromMilliseconds(ms), EjectionGate.Open, false);
        }
    }

    private void EjectByFailures(EndpointState endpoint, MemberModel member, EnsembleModel? ensemble = null)
    {
        for (int i = 0; i < _options.ConsecutiveFailures; i++)
        {
            _detector.OnFailure(endpoint, member, ensemble ?? _ensemble, _detector.Enter(endpoint), "worker_error");
        }
    }

    /// <summary>Starts a call of member a and returns once it waits on the worker, with its timeout and slow-call watch armed.</summary>
    private async Task<Task<MemberOutcome>> StartAsync(ResilientMemberInvoker invoker, ModelInput input, Queue<TaskCompletionSource<float[]>> answers)
    {
        int armed = _time.ActiveTimers;
        int pending = answers.Count;
        var call = invoker.InvokeAsync(_a, _ensemble, input, CallLane.Primary, CancellationToken.None);
        await _time.WaitForTimersAsync(armed + 2);
        Assert.Equal(pending + 1, answers.Count);
        return call;
    }

    private static TaskCompletionSource<float[]> Next(Queue<TaskCompletionSource<float[]>> answers)
    {
        var answer = new TaskCompletionSource<float[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        answers.Enqueue(answer);
        return answer;
    }

    private static float[] Rows(int rows) => Enumerable.Range(0, rows).SelectMany(_ => Row(1, 1f)).ToArray();

    /// <summary>Completes when the detector logs an ejection: the slow-call watch runs on its own continuation.</summary>
    private sealed class EjectionSignal : ILogger<OutlierDetector>
    {
        private readonly TaskCompletionSource _ejected = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Task => _ejected.Task;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Name == "EndpointEjected")
            {
                _ejected.TrySetResult();
            }
        }
    }

    private sealed class ScriptedClient : IWorkerClient
    {
        private int _calls;

        public Func<string, CancellationToken, Task<float[]>> Behaviour { get; set; } = (_, _) => Task.FromResult(Row(1, 1f));

        public int Calls => Volatile.Read(ref _calls);

        public async Task<WorkerReply> InferAsync(string endpoint, MemberModel member, ModelInput input, TimeSpan timeout, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            try
            {
                return WorkerReply.Answered(await Behaviour(endpoint, cancellationToken));
            }
            catch (Exception ex)
            {
                return WorkerCallFailures.Translate(ex, cancellationToken, timeout);
            }
        }

        public Task<WorkerReadiness> ProbeReadyAsync(string endpoint, string model, string version, TimeSpan timeout, CancellationToken cancellationToken) =>
            Task.FromResult(new WorkerReadiness(true, "ready"));
    }
}
