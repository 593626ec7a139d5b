using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Preprocessing;
using EnsembleGrpc.Router.Resilience;
using EnsembleGrpc.Router.Tests.Support;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Polly.CircuitBreaker;
using static EnsembleGrpc.Router.Tests.Support.TestModels;

namespace EnsembleGrpc.Router.Tests.Resilience;

/// <summary>The shadow's calls to a worker have an endpoint state of their own: its failures never open the primary's breaker.</summary>
public sealed class ShadowLaneBreakerTests
{
    private const string Address = "http://127.0.0.1:9101";
    private static readonly ModelInput Input = new(new float[ModelInput.PixelsPerImage], 1);

    private readonly EndpointRegistry _registry = new(TimeProvider.System, NullLogger<EndpointRegistry>.Instance);
    private readonly ScriptedWorkerClient _client = new();

    [Fact]
    public async Task Shadow_failures_open_only_the_shadows_breaker_and_primary_calls_still_reach_the_worker()
    {
        var member = Member("a", endpoints: Address);
        var ensemble = EnsembleOf([member], []);
        var invoker = Create();
        _client.Behaviour = (_, _) => throw new RpcException(new Status(StatusCode.Internal, "the candidate model crashed"));

        for (int i = 0; i < ensemble.Breaker.MinimumThroughput; i++)
        {
            Assert.Equal(MemberFailureKind.WorkerError, (await invoker.InvokeAsync(member, ensemble, Input, CallLane.Shadow, CancellationToken.None)).Failure);
        }

        var shadow = _registry.Find(Address, new EndpointSettings(ensemble.Timeout, ensemble.Breaker, CallLane.Shadow));
        Assert.Equal(CircuitState.Open, shadow?.BreakerState);
        Assert.Null(_registry.Find(Address, new EndpointSettings(ensemble.Timeout, ensemble.Breaker, CallLane.Primary)));
        int calls = _client.Calls;
        Assert.Equal(MemberFailureKind.BreakerOpen, (await invoker.InvokeAsync(member, ensemble, Input, CallLane.Shadow, CancellationToken.None)).Failure);
        Assert.Equal(calls, _client.Calls);

        _client.Behaviour = (_, _) => Task.FromResult(Row(1, 1f));
        var primary = await invoker.InvokeAsync(member, ensemble, Input, CallLane.Primary, CancellationToken.None);

        Assert.True(primary.Succeeded, primary.Describe());
        Assert.Equal(calls + 1, _client.Calls);
        var primaryState = _registry.Find(Address, new EndpointSettings(ensemble.Timeout, ensemble.Breaker, CallLane.Primary));
        Assert.Equal(CircuitState.Closed, primaryState?.BreakerState);
        Assert.Equal(0, primaryState?.Failures);
        Assert.Equal(ensemble.Breaker.MinimumThroughput, shadow!.FailuresByKind["worker_error"]);
    }

    [Fact]
    public async Task Primary_failures_open_only_the_primarys_breaker_and_shadow_calls_still_reach_the_worker()
    {
        var member = Member("a", endpoints: Address);
        var ensemble = EnsembleOf([member], []);
        var invoker = Create();
        _client.Behaviour = (_, _) => throw new RpcException(new Status(StatusCode.Internal, "boom"));
        for (int i = 0; i < ensemble.Breaker.MinimumThroughput; i++)
        {
            await invoker.InvokeAsync(member, ensemble, Input, CallLane.Primary, CancellationToken.None);
        }

        int calls = _client.Calls;
        var shadow = await invoker.InvokeAsync(member, ensemble, Input, CallLane.Shadow, CancellationToken.None);
        var primary = await invoker.InvokeAsync(member, ensemble, Input, CallLane.Primary, CancellationToken.None);

        Assert.Equal(MemberFailureKind.WorkerError, shadow.Failure);
        Assert.Equal(MemberFailureKind.BreakerOpen, primary.Failure);
        Assert.Equal(calls + 1, _client.Calls);
        Assert.Equal(CircuitState.Closed, _registry.Find(Address, new EndpointSettings(ensemble.Timeout, ensemble.Breaker, CallLane.Shadow))?.BreakerState);
    }

    [Fact]
    public void Settings_that_differ_only_by_lane_are_separate_states_and_equal_settings_share_one()
    {
        var breaker = EnsembleOf([], []).Breaker;
        var primary = new EndpointSettings(TimeSpan.FromSeconds(1), breaker);
        var shadow = primary with { Lane = CallLane.Shadow };

        Assert.Equal(CallLane.Primary, primary.Lane);
        Assert.NotSame(_registry.Get(Address, primary), _registry.Get(Address, shadow));
        Assert.Same(_registry.Get(Address, shadow), _registry.Get(Address, new EndpointSettings(TimeSpan.FromSeconds(1), breaker with { }, CallLane.Shadow)));
    }

    private ResilientMemberInvoker Create() => new(_client, _registry, new Random(11), TimeProvider.System);
}
