using EnsembleGrpc.Router.Engine;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Tests.Configuration;
using EnsembleGrpc.Router.Tests.Support;

namespace EnsembleGrpc.Router.Tests.Engine;

/// <summary>
/// The engine's one entry point, built as the host builds it over a routing file, with scripted members: what a
/// client gets for each kind of request, and what the model's statistics count.
/// </summary>
public sealed class RouterEngineTests : IDisposable
{
    private const string Routing = """
        { "model_repository": "repo",
          "ensembles": [
            { "name": "mnist", "quorum": 2, "max_batch_size": 8,
              "members": [ { "name": "a", "endpoints": ["http://127.0.0.1:8001"] },
                           { "name": "b", "endpoints": ["http://127.0.0.1:8002"] },
                           { "name": "c", "endpoints": ["http://127.0.0.1:8003"] } ],
              "arms": [ { "name": "bag", "strategy": "bagging", "weight": 1 },
                        { "name": "voting", "strategy": "vote", "weight": 0 } ] },
            { "name": "digits",
              "members": [ { "name": "d", "endpoints": ["http://127.0.0.1:8004"] } ],
              "arms": [ { "name": "bag", "strategy": "bagging", "weight": 1 } ] } ] }
        """;

    private readonly EngineHarness _harness = new(Routing, new ConstantStrategy());

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task An_unknown_model_is_model_not_found_naming_the_served_models()
    {
        var outcome = await _harness.InferAsync(new InferenceRequest { Model = "fashion", Tensor = EngineHarness.Zeros() });

        Assert.Equal(RouterError.ModelNotFound, outcome.Error);
        Assert.Contains("'fashion'", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("mnist", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("digits", outcome.Message, StringComparison.Ordinal);
        Assert.Null(outcome.Ensemble);
        Assert.Equal(0, _harness.Invoker.Count);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("latest")]
    public async Task Another_version_than_the_one_is_version_not_found(string version)
    {
        var outcome = await _harness.InferAsync(new InferenceRequest { Model = "mnist", Version = version, Tensor = EngineHarness.Zeros() });

        Assert.Equal(RouterError.VersionNotFound, outcome.Error);
        Assert.Contains($"'{version}'", outcome.Message, StringComparison.Ordinal);
        Assert.Equal(0, _harness.Invoker.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData(RouterEngine.Version)]
    public async Task No_version_or_version_one_is_the_ensemble(string version)
    {
        var outcome = await _harness.InferAsync(new InferenceRequest { Model = "mnist", Version = version, Tensor = EngineHarness.Zeros() });

        Assert.True(outcome.Answered, outcome.Message);
    }

    [Fact]
    public async Task A_tensor_the_front_end_could_not_read_is_invalid_input_with_its_reason_after_the_model_resolves()
    {
        var unread = new InferenceRequest { Model = "mnist", TensorError = "the request has 2 inputs; the router takes one." };

        var outcome = await _harness.InferAsync(unread);
        var unknownModel = await _harness.InferAsync(unread with { Model = "fashion" });

        Assert.Equal(RouterError.InvalidInput, outcome.Error);
        Assert.Equal("the request has 2 inputs; the router takes one.", outcome.Message);
        Assert.Equal("mnist", outcome.Ensemble?.Name);
        // The model is resolved first: a client with the wrong model name learns that, not a tensor problem.
        Assert.Equal(RouterError.ModelNotFound, unknownModel.Error);
        Assert.Equal(0, _harness.Invoker.Count);
    }

    [Fact]
    public async Task A_tensor_the_preprocessor_refuses_is_invalid_input_naming_the_ensembles_batch_limit()
    {
        var outcome = await _harness.InferAsync(new InferenceRequest { Model = "mnist", Tensor = EngineHarness.Zeros(9) });

        Assert.Equal(RouterError.InvalidInput, outcome.Error);
        Assert.Contains("batch size 9 is out of range 1..8", outcome.Message, StringComparison.Ordinal);
        Assert.Equal(0, _harness.Invoker.Count);
    }

    [Fact]
    public async Task An_unknown_strategy_is_invalid_input_naming_the_registered_strategies()
    {
        var outcome = await _harness.InferAsync(new InferenceRequest { Model = "mnist", Tensor = EngineHarness.Zeros(), Strategy = "stacked" });

        Assert.Equal(RouterError.InvalidInput, outcome.Error);
        // Every registered strategy, the test's own included, and what this ensemble offers.
        Assert.Contains("unknown ensemble_strategy 'stacked'", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("bagging, best, boosting, constant, stacking, vote", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("this ensemble offers bagging, vote", outcome.Message, StringComparison.Ordinal);
        Assert.Equal(0, _harness.Invoker.Count);
    }

    [Fact]
    public async Task A_registered_strategy_the_ensemble_has_no_arm_for_is_invalid_input_naming_what_it_offers()
    {
        var outcome = await _harness.InferAsync(new InferenceRequest { Model = "mnist", Tensor = EngineHarness.Zeros(), Strategy = "boosting" });

        Assert.Equal(RouterError.InvalidInput, outcome.Error);
        Assert.Contains("no arm with strategy 'boosting'", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("available: bagging, vote", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_naming_a_strategy_is_served_by_that_arm_whatever_the_split()
    {
        var outcome = await _harness.InferAsync(new InferenceRequest { Model = "mnist", Tensor = EngineHarness.Zeros(), Strategy = "VOTE" });

        Assert.True(outcome.Answered, outcome.Message);
        Assert.Equal("voting", outcome.Arm?.Name);
        Assert.Equal(StrategyNames.Vote, outcome.Result!.Strategy);
    }

    [Fact]
    public async Task An_answered_request_gets_a_request_id_when_it_had_none_and_keeps_its_own_otherwise()
    {
        var made = await _harness.InferAsync(new InferenceRequest { Model = "mnist", Tensor = EngineHarness.Zeros(2) });
        var other = await _harness.InferAsync(new InferenceRequest { Model = "mnist", Tensor = EngineHarness.Zeros(2), Id = "" });
        var kept = await _harness.InferAsync(new InferenceRequest { Model = "mnist", Tensor = EngineHarness.Zeros(2), Id = "client-42" });

        Assert.Equal(RouterError.None, made.Error);
        Assert.True(made.Answered);
        Assert.Equal("bag", made.Arm?.Name);
        Assert.Equal([1, 1], made.Result!.Predictions!);
        Assert.Equal(2, made.BatchSize);
        Assert.False(string.IsNullOrWhiteSpace(made.RequestId));
        Assert.False(string.IsNullOrWhiteSpace(other.RequestId));
        Assert.NotEqual(made.RequestId, other.RequestId);
        Assert.Equal("client-42", kept.RequestId);
        // The arm is recorded under the id the client sees, so feedback can refer to it.
        Assert.Equal("bag", _harness.Ledger.Find(made.RequestId!)?.Arm);
        Assert.Equal("bag", _harness.Ledger.Find("client-42")?.Arm);
        Assert.All(_harness.Invoker.Calls, call => Assert.Equal(CallLane.Primary, call.Lane));
        Assert.Equal(9, _harness.Invoker.Count);
    }

    [Fact]
    public async Task Every_failed_member_busy_is_overloaded()
    {
        _harness.Invoker.Script = (member, input, _) => member.Name == "a"
            ? ScriptedMemberInvoker.Answer(member, input, 1)
            : ScriptedMemberInvoker.Fail(member, MemberFailureKind.Overloaded, "ResourceExhausted: the queue is full");

        var outcome = await _harness.InferAsync(new InferenceRequest { Model = "mnist", Tensor = EngineHarness.Zeros() });

        Assert.Equal(RouterError.Overloaded, outcome.Error);
        Assert.False(outcome.Answered);
    }

    [Fact]
    public async Task Below_quorum_is_unavailable_naming_the_members_with_codes_and_no_endpoint()
    {
        _harness.Invoker.Script = (member, input, _) => member.Name switch
        {
            "a" => ScriptedMemberInvoker.Answer(member, input, 1),
            "b" => ScriptedMemberInvoker.Fail(member, MemberFailureKind.Timeout, "no answer within 1000 ms"),
            _ => ScriptedMemberInvoker.Fail(member, MemberFailureKind.Overloaded, "ResourceExhausted: the queue is full"),
        };

        var outcome = await _harness.InferAsync(new InferenceRequest { Model = "mnist", Tensor = EngineHarness.Zeros() });

        // One busy member does not make it an overload when another timed out.
        Assert.Equal(RouterError.Unavailable, outcome.Error);
        Assert.Contains("1 of 3 members answered, quorum is 2", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("b: member_timeout", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("c: member_overloaded", outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("800", outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ResourceExhausted", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enough_members_for_the_quorum_answer_with_the_fallback()
    {
        _harness.Invoker.Script = (member, input, _) => member.Name == "c"
            ? ScriptedMemberInvoker.Fail(member, MemberFailureKind.BreakerOpen, "circuit breaker is open")
            : ScriptedMemberInvoker.Answer(member, input, 4);

        var outcome = await _harness.InferAsync(new InferenceRequest { Model = "mnist", Tensor = EngineHarness.Zeros(), Strategy = "vote" });

        Assert.True(outcome.Answered, outcome.Message);
        Assert.True(outcome.Result!.Fallback);
        Assert.Equal("c: breaker_open", outcome.Result.FallbackReason);
        Assert.Equal([4], outcome.Result.Predictions!);
    }

    [Theory]
    [InlineData(MemberFailureKind.RejectedInvalid)]
    [InlineData(MemberFailureKind.RejectedOutOfRange)]
    [InlineData(MemberFailureKind.RejectedNotFound)]
    [InlineData(MemberFailureKind.RejectedPrecondition)]
    public async Task A_member_rejection_is_rejected_with_the_members_reason(MemberFailureKind kind)
    {
        _harness.Invoker.Script = (member, input, _) => member.Name == "b"
            ? ScriptedMemberInvoker.Fail(member, kind, "batch size 8 exceeds the model's max_batch_size 4")
            : ScriptedMemberInvoker.Answer(member, input, 1);

        var outcome = await _harness.InferAsync(new InferenceRequest { Model = "mnist", Tensor = EngineHarness.Zeros() });

        Assert.Equal(RouterError.Rejected, outcome.Error);
        Assert.Equal(kind, outcome.RejectedAs);
        Assert.Contains("member 'b' rejected the request: batch size 8 exceeds the model's max_batch_size 4", outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_caller_who_leaves_gets_cancelled()
    {
        using var caller = new CancellationTokenSource();
        _harness.Invoker.Script = (member, input, _) =>
        {
            caller.Cancel();
            return MemberOutcome.Failed(member.Name, null, MemberFailureKind.Cancelled, "the caller cancelled", TimeSpan.Zero);
        };

        var outcome = await _harness.Engine.InferAsync(new InferenceRequest { Model = "mnist", Tensor = EngineHarness.Zeros() }, caller.Token);

        Assert.Equal(RouterError.Cancelled, outcome.Error);
    }

    [Fact]
    public async Task Statistics_count_the_failures_of_resolved_models_only_and_answers_once_recorded()
    {
        long arrival = TimeProvider.System.GetTimestamp();
        await _harness.InferAsync(new InferenceRequest { Model = "fashion", Tensor = EngineHarness.Zeros(), Arrival = arrival });
        await _harness.InferAsync(new InferenceRequest { Model = "mnist", Version = "9", Tensor = EngineHarness.Zeros(), Arrival = arrival });
        await _harness.InferAsync(new InferenceRequest { Model = "mnist", Tensor = EngineHarness.Zeros(9), Arrival = arrival });
        await _harness.InferAsync(new InferenceRequest { Model = "mnist", Tensor = EngineHarness.Zeros(), Strategy = "nope", Arrival = arrival });
        var answered = await _harness.InferAsync(new InferenceRequest { Model = "mnist", Tensor = EngineHarness.Zeros(3), Arrival = arrival });
        _harness.Invoker.Script = (member, _, _) => ScriptedMemberInvoker.Fail(member, MemberFailureKind.WorkerError, "Internal: boom");
        await _harness.InferAsync(new InferenceRequest { Model = "mnist", Tensor = EngineHarness.Zeros(), Arrival = arrival });

        var mnist = _harness.Engine.Statistics("mnist").Snapshot(TimeProvider.System.TimestampFrequency);
        Assert.Equal(3UL, mnist.FailCount);
        // An answer counts once the front end has encoded it.
        Assert.Equal(0UL, mnist.SuccessCount);
        long now = TimeProvider.System.GetTimestamp();
        _harness.Engine.RecordAnswered(answered, arrival, arrival, now);

        mnist = _harness.Engine.Statistics("mnist").Snapshot(TimeProvider.System.TimestampFrequency);
        Assert.Equal(1UL, mnist.SuccessCount);
        Assert.Equal(3UL, mnist.InferenceCount);
        Assert.Equal(3UL, mnist.FailCount);
        Assert.False(_harness.Engine.Ensembles.ContainsKey("fashion"));
        Assert.Equal(0UL, _harness.Engine.Statistics("digits").Snapshot(TimeProvider.System.TimestampFrequency).FailCount);
    }
}
