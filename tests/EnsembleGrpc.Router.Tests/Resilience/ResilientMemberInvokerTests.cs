using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;
using EnsembleGrpc.Router.Resilience;
using EnsembleGrpc.Router.Workers;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Polly.CircuitBreaker;
using static EnsembleGrpc.Router.Tests.Support.TestModels;

namespace EnsembleGrpc.Router.Tests.Resilience;

public sealed class ResilientMemberInvokerTests
{
    private static readonly ModelInput Input = new(new float[784], 1);

    private readonly EndpointRegistry _registry = new(TimeProvider.System, NullLogger<EndpointRegistry>.Instance);
    private readonly ScriptedClient _client = new();

    [Fact]
    public async Task Worker_failures_open_the_breaker_and_then_calls_are_refused_without_reaching_the_worker()
    {
        var member = Member("a", endpoints: "http://127.0.0.1:9001");
        var ensemble = EnsembleOf([member], []);
        var invoker = Create();
        _client.Behaviour = (_, _) => throw new RpcException(new Status(StatusCode.Unavailable, "connection refused"));

        for (int i = 0; i < ensemble.Breaker.MinimumThroughput; i++)
        {
            var outcome = await invoker.InvokeAsync(member, ensemble, Input, CallLane.Primary, CancellationToken.None);
            Assert.Equal(MemberFailureKind.WorkerError, outcome.Failure);
            Assert.Contains("Unavailable: connection refused", outcome.Error, StringComparison.Ordinal);
        }

        var state = _registry.Find("http://127.0.0.1:9001", new EndpointSettings(ensemble.Timeout, ensemble.Breaker))!;
        Assert.Equal(CircuitState.Open, state.BreakerState);
        int calls = _client.Calls;

        var refused = await invoker.InvokeAsync(member, ensemble, Input, CallLane.Primary, CancellationToken.None);

        Assert.Equal(MemberFailureKind.BreakerOpen, refused.Failure);
        Assert.Equal(calls, _client.Calls);
        Assert.Equal(ensemble.Breaker.MinimumThroughput, state.FailuresByKind["worker_error"]);
        Assert.Equal(1, state.FailuresByKind["breaker_open"]);
    }

    [Fact]
    public async Task Caller_cancellation_never_counts_against_the_worker()
    {
        var member = Member("a", endpoints: "http://127.0.0.1:9002");
        var ensemble = EnsembleOf([member], []);
        var invoker = Create();

        for (int i = 0; i < 20; i++)
        {
            using var caller = new CancellationTokenSource();
            bool asRpc = i % 2 == 0;
            // The caller goes away while the call is in flight; the transport reports it either way.
            _client.Behaviour = (_, token) =>
            {
                caller.Cancel();
                token.ThrowIfCancellationRequested();
                throw new InvalidOperationException("the linked token must be cancelled");
            };
            if (asRpc)
            {
                _client.Behaviour = (_, _) =>
                {
                    caller.Cancel();
                    throw new RpcException(new Status(StatusCode.Cancelled, "call cancelled"));
                };
            }

            var outcome = await invoker.InvokeAsync(member, ensemble, Input, CallLane.Primary, caller.Token);
            Assert.Equal(MemberFailureKind.Cancelled, outcome.Failure);
        }

        var state = _registry.Find("http://127.0.0.1:9002", new EndpointSettings(ensemble.Timeout, ensemble.Breaker))!;
        Assert.Equal(CircuitState.Closed, state.BreakerState);
        Assert.Equal(0, state.Failures);
    }

    [Fact]
    public async Task A_worker_slower_than_the_timeout_is_a_timeout()
    {
        var member = Member("a", endpoints: "http://127.0.0.1:9003");
        var ensemble = EnsembleOf([member], [], timeout: TimeSpan.FromMilliseconds(50));
        _client.Behaviour = async (_, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return Row(1, 1f);
        };

        var outcome = await Create().InvokeAsync(member, ensemble, Input, CallLane.Primary, CancellationToken.None);

        Assert.Equal(MemberFailureKind.Timeout, outcome.Failure);
        Assert.Contains("no answer within 50 ms", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deadline_exceeded_of_our_own_deadline_is_a_timeout_like_the_local_timeout()
    {
        // The deadline sent with the call is the member timeout plus slack: the client's deadline timer can beat
        // Polly's timeout (timers race under load or cold JIT), or the worker answers DEADLINE_EXCEEDED itself.
        var member = Member("a", endpoints: "http://127.0.0.1:9010");
        var ensemble = EnsembleOf([member], []);
        var invoker = Create();
        _client.Behaviour = (_, _) => throw new RpcException(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"));

        for (int i = 0; i < ensemble.Breaker.MinimumThroughput; i++)
        {
            var outcome = await invoker.InvokeAsync(member, ensemble, Input, CallLane.Primary, CancellationToken.None);
            Assert.Equal(MemberFailureKind.Timeout, outcome.Failure);
            Assert.Contains("no answer within 1000 ms", outcome.Error, StringComparison.Ordinal);
        }

        // Counted as timeouts, and held against the worker like any timeout.
        var state = _registry.Find("http://127.0.0.1:9010", new EndpointSettings(ensemble.Timeout, ensemble.Breaker))!;
        Assert.Equal(new Dictionary<string, long> { ["timeout"] = ensemble.Breaker.MinimumThroughput }, state.FailuresByKind);
        Assert.Equal(CircuitState.Open, state.BreakerState);
    }

    [Fact]
    public async Task Deadline_exceeded_after_the_caller_cancelled_or_its_deadline_passed_never_counts_against_the_worker()
    {
        var member = Member("a", endpoints: "http://127.0.0.1:9011");
        var ensemble = EnsembleOf([member], []);
        var invoker = Create();

        for (int i = 0; i < 10; i++)
        {
            using var caller = new CancellationTokenSource();
            _client.Behaviour = (_, _) =>
            {
                // The caller's own deadline passes (its token fires) and the transport reports DEADLINE_EXCEEDED.
                caller.Cancel();
                throw new RpcException(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"));
            };

            var outcome = await invoker.InvokeAsync(member, ensemble, Input, CallLane.Primary, caller.Token);
            Assert.Equal(MemberFailureKind.Cancelled, outcome.Failure);
        }

        var state = _registry.Find("http://127.0.0.1:9011", new EndpointSettings(ensemble.Timeout, ensemble.Breaker))!;
        Assert.Equal(CircuitState.Closed, state.BreakerState);
        Assert.Equal(0, state.Failures);
    }

    [Theory]
    [InlineData("worker_deadline", false, "timeout")]
    [InlineData("worker_deadline", true, "cancelled")]
    [InlineData("local_timeout", false, "timeout")]
    [InlineData("local_timeout", true, "cancelled")]
    [InlineData("caller_cancelled", true, "cancelled")]
    [InlineData("worker_cancelled", false, "worker_error")]
    [InlineData("unavailable", false, "worker_error")]
    public void Classification_separates_our_timeout_from_the_callers_cancellation_and_worker_errors(string failure, bool callerGone, string expected)
    {
        using var caller = new CancellationTokenSource();
        if (callerGone)
        {
            caller.Cancel();
        }

        // What the worker client makes of a transport failure (a reply), or what the pipeline adds (an exception).
        var timeout = TimeSpan.FromSeconds(1);
        var outcome = failure switch
        {
            "worker_deadline" => Polly.Outcome.FromResult(WorkerCallFailures.Translate(new RpcException(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded")), CancellationToken.None, timeout)),
            "local_timeout" => Polly.Outcome.FromException<WorkerReply>(new Polly.Timeout.TimeoutRejectedException(timeout)),
            "caller_cancelled" => Polly.Outcome.FromException<WorkerReply>(new OperationCanceledException(caller.Token)),
            "worker_cancelled" => Polly.Outcome.FromResult(WorkerCallFailures.Translate(new RpcException(new Status(StatusCode.Cancelled, "cancelled by the worker")), CancellationToken.None, timeout)),
            _ => Polly.Outcome.FromResult(WorkerCallFailures.Translate(new RpcException(new Status(StatusCode.Unavailable, "connection refused")), CancellationToken.None, timeout)),
        };

        var (kind, _, _) = ResilientMemberInvoker.Classify(outcome, caller.Token, timeout);

        Assert.Equal(expected, kind.ToKey());
    }

    [Theory]
    [InlineData(StatusCode.InvalidArgument, "rejected_invalid_argument")]
    [InlineData(StatusCode.NotFound, "rejected_not_found")]
    [InlineData(StatusCode.OutOfRange, "rejected_out_of_range")]
    [InlineData(StatusCode.FailedPrecondition, "rejected_failed_precondition")]
    [InlineData(StatusCode.ResourceExhausted, "overloaded")]
    public async Task A_worker_that_blames_the_request_or_is_busy_never_opens_its_breaker(StatusCode code, string key)
    {
        var member = Member("a", endpoints: "http://127.0.0.1:9020");
        var ensemble = EnsembleOf([member], []);
        var invoker = Create();
        _client.Behaviour = (_, _) => throw new RpcException(new Status(code, "batch size 100 exceeds the model's max_batch_size 64"));

        // Far beyond the breaker's minimum throughput, all failing: six oversized requests used to open it.
        for (int i = 0; i < 5 * ensemble.Breaker.MinimumThroughput; i++)
        {
            var outcome = await invoker.InvokeAsync(member, ensemble, Input, CallLane.Primary, CancellationToken.None);
            Assert.Equal(key, outcome.Failure.ToKey());
            // A rejection goes back to the client with the worker's words but without its address.
            string words = $"{code}: batch size 100 exceeds the model's max_batch_size 64";
            Assert.Equal(outcome.Failure.IsCallerBlamed() ? words : $"http://127.0.0.1:9020: {words}", outcome.Error);
        }

        var state = _registry.Find("http://127.0.0.1:9020", new EndpointSettings(ensemble.Timeout, ensemble.Breaker))!;
        Assert.Equal(CircuitState.Closed, state.BreakerState);
        Assert.Equal(5 * ensemble.Breaker.MinimumThroughput, state.FailuresByKind[key]);

        // Still closed: the worker's next real failure is counted from scratch, and a good answer goes through.
        _client.Behaviour = (_, _) => Task.FromResult(Row(1, 1f));
        Assert.True((await invoker.InvokeAsync(member, ensemble, Input, CallLane.Primary, CancellationToken.None)).Succeeded);
    }

    [Theory]
    [InlineData(StatusCode.InvalidArgument, false)]
    [InlineData(StatusCode.NotFound, false)]
    [InlineData(StatusCode.OutOfRange, false)]
    [InlineData(StatusCode.FailedPrecondition, false)]
    [InlineData(StatusCode.ResourceExhausted, false)]
    [InlineData(StatusCode.Unavailable, true)]
    [InlineData(StatusCode.Internal, true)]
    [InlineData(StatusCode.Unknown, true)]
    [InlineData(StatusCode.Cancelled, true)]
    public void Only_statuses_of_a_failing_worker_count_in_its_breaker(StatusCode code, bool counts)
    {
        var outcome = Polly.Outcome.FromResult(WorkerCallFailures.Translate(new RpcException(new Status(code, "x")), CancellationToken.None, TimeSpan.FromSeconds(1)));

        Assert.Equal(counts, WorkerFailures.IsWorkerFailure(outcome, CancellationToken.None));
        Assert.True(WorkerFailures.IsWorkerFailure(Polly.Outcome.FromException<WorkerReply>(new Polly.Timeout.TimeoutRejectedException()), CancellationToken.None));
        Assert.False(WorkerFailures.IsWorkerFailure(Polly.Outcome.FromResult(WorkerReply.Answered(Row(1, 1f))), CancellationToken.None));
    }

    [Fact]
    public async Task Replicas_behind_an_open_breaker_are_skipped()
    {
        var broken = Member("a", endpoints: "http://127.0.0.1:9004");
        var ensemble = EnsembleOf([broken], []);
        var invoker = Create();
        _client.Behaviour = (endpoint, _) => endpoint.EndsWith("9004", StringComparison.Ordinal)
            ? throw new RpcException(new Status(StatusCode.Internal, "broken"))
            : Task.FromResult(Row(1, 1f));
        for (int i = 0; i < ensemble.Breaker.MinimumThroughput; i++)
        {
            await invoker.InvokeAsync(broken, ensemble, Input, CallLane.Primary, CancellationToken.None);
        }

        var replicated = Member("a", endpoints: ["http://127.0.0.1:9004", "http://127.0.0.1:9005"]);
        for (int i = 0; i < 20; i++)
        {
            var outcome = await invoker.InvokeAsync(replicated, ensemble, Input, CallLane.Primary, CancellationToken.None);
            Assert.True(outcome.Succeeded);
            Assert.Equal("http://127.0.0.1:9005", outcome.Endpoint);
        }
    }

    [Fact]
    public void Power_of_two_choices_prefers_fewer_calls_in_flight_and_panics_to_all_when_none_is_healthy()
    {
        var settings = new EndpointSettings(TimeSpan.FromSeconds(1), EnsembleOf([], []).Breaker);
        var busy = _registry.Get("http://127.0.0.1:9006", settings);
        var idle = _registry.Get("http://127.0.0.1:9007", settings);
        busy.Enter();
        var random = new Random(5);

        for (int i = 0; i < 50; i++)
        {
            Assert.Same(idle, ReplicaBalancer.Pick([busy, idle], random));
        }

        busy.Exit();
    }

    private ResilientMemberInvoker Create() => new(_client, _registry, new Random(11), TimeProvider.System);

    private sealed class ScriptedClient : IWorkerClient
    {
        private int _calls;

        public Func<string, CancellationToken, Task<float[]>> Behaviour { get; set; } = (_, _) => Task.FromResult(Row(1, 1f));

        public int Calls => Volatile.Read(ref _calls);

        // As the real client does: a failed call becomes a reply through WorkerCallFailures.
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
