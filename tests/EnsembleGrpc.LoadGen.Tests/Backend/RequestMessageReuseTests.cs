using EnsembleGrpc.LoadGen.Backend;
using EnsembleGrpc.LoadGen.Inputs;
using EnsembleGrpc.LoadGen.Tests.Fakes;

namespace EnsembleGrpc.LoadGen.Tests.Backend;

/// <summary>
/// Each sample's protocol message is built once and sent again and again; requests that differ per call (routing
/// keys) get a message of their own, so no request ever carries another's parameters or tensor.
/// </summary>
public sealed class RequestMessageReuseTests
{
    [Fact]
    public async Task A_sample_without_per_request_parameters_is_encoded_once_and_reused()
    {
        var factory = TestRequests.Factory(new RequestParameters { Strategy = "vote" });
        await using var backend = new GrpcInferenceBackend("http://127.0.0.1:1", 1, TimeSpan.FromSeconds(1));

        var first = backend.Message(factory.Create(0));
        var again = backend.Message(factory.Create(factory.SampleCount));

        Assert.Same(first, again);
        Assert.Equal("vote", first.Parameters[RequestParameters.StrategyName].StringParam);
        Assert.Equal("mnist", first.ModelName);
        Assert.Equal("probabilities", Assert.Single(first.Outputs).Name);
    }

    [Fact]
    public async Task Different_samples_keep_their_own_tensors()
    {
        var factory = TestRequests.Factory();
        await using var backend = new GrpcInferenceBackend("http://127.0.0.1:1", 1, TimeSpan.FromSeconds(1));

        for (var i = 0; i < factory.SampleCount; i++)
        {
            var request = factory.Create(i);
            var message = backend.Message(request);
            Assert.Equal(request.RawInput.ToArray(), message.RawInputContents[0].ToByteArray());
            Assert.Equal(request.Shape, message.Inputs[0].Shape);
        }

        Assert.NotSame(backend.Message(factory.Create(0)), backend.Message(factory.Create(1)));
    }

    [Fact]
    public async Task Per_request_routing_keys_get_a_message_each_with_their_own_key()
    {
        var factory = TestRequests.Factory(new RequestParameters { RoutingKeyPattern = "user-{i}" });
        await using var backend = new GrpcInferenceBackend("http://127.0.0.1:1", 1, TimeSpan.FromSeconds(1));

        var requests = Enumerable.Range(0, 8).Select(i => factory.Create(i)).ToArray();
        var messages = requests.Select(backend.Message).ToArray();

        Assert.All(requests, r => Assert.False(r.Reusable));
        Assert.Equal(
            Enumerable.Range(0, 8).Select(i => $"user-{i}"),
            messages.Select(m => m.Parameters[RequestParameters.RoutingKeyName].StringParam));
        Assert.Equal(8, messages.Distinct().Count());
    }
}
