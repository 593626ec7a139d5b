using System.Collections.Concurrent;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;

namespace EnsembleGrpc.Router.Tests.Support;

/// <summary>A member invoker that answers at once with what the test's script says for the member, and records every call.</summary>
internal sealed class ScriptedMemberInvoker : IMemberInvoker
{
    private readonly ConcurrentQueue<(string Member, CallLane Lane)> _calls = new();

    /// <summary>The outcome of a call; by default every member answers class 1 for every row.</summary>
    public Func<MemberModel, ModelInput, CallLane, MemberOutcome> Script { get; set; } = (member, input, _) => Answer(member, input, 1);

    public IReadOnlyList<(string Member, CallLane Lane)> Calls => [.. _calls];

    public int Count => _calls.Count;

    public Task<MemberOutcome> InvokeAsync(MemberModel member, EnsembleModel ensemble, ModelInput input, CallLane lane, CancellationToken cancellationToken)
    {
        _calls.Enqueue((member.Name, lane));
        return Task.FromResult(Script(member, input, lane));
    }

    /// <summary>Every row of <paramref name="input"/> answered as <paramref name="top"/> with probability 0.9.</summary>
    public static MemberOutcome Answer(MemberModel member, ModelInput input, int top, float p = 0.9f) =>
        MemberOutcome.Success(member.Name, member.Endpoints[0], Enumerable.Repeat(TestModels.Row(top, p), input.BatchSize).SelectMany(r => r).ToArray(), TimeSpan.FromMilliseconds(1));

    /// <summary>A failure as the resilient invoker reports it: the endpoint in the words, except for a rejection.</summary>
    public static MemberOutcome Fail(MemberModel member, MemberFailureKind kind, string words) =>
        MemberOutcome.Failed(member.Name, member.Endpoints[0], kind, kind.IsCallerBlamed() ? words : $"{member.Endpoints[0]}: {words}", TimeSpan.FromMilliseconds(1));
}
