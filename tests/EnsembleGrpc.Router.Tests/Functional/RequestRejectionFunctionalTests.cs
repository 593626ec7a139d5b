using System.Runtime.InteropServices;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Protocol.Admin;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace EnsembleGrpc.Router.Tests.Functional;

/// <summary>
/// Bad requests are the client's problem, never the workers': the router rejects what it can check itself before any
/// fan-out, and what a worker rejects goes back with the worker's status without counting in its breaker.
/// </summary>
[Collection(RouterClusterCollection.Name)]
public sealed class RequestRejectionFunctionalTests(RouterCluster cluster)
{
    private const int Oversized = 100;

    [Fact]
    public async Task Oversized_batches_from_one_client_are_invalid_arguments_while_another_clients_requests_keep_succeeding_and_no_breaker_opens()
    {
        using var badChannel = GrpcChannel.ForAddress($"http://127.0.0.1:{cluster.RouterPort}");
        using var goodChannel = GrpcChannel.ForAddress($"http://127.0.0.1:{cluster.RouterPort}");
        var bad = new GRPCInferenceService.GRPCInferenceServiceClient(badChannel);
        var good = new GRPCInferenceService.GRPCInferenceServiceClient(goodChannel);
        var oversized = InferenceCalls.Fp32("mnist_guarded", cluster.TestSet.ToModelInput(0, Oversized), Oversized);
        var normal = InferenceCalls.Fp32("mnist_guarded", cluster.TestSet.ToModelInput(0, 4), 4);
        var expected = Enumerable.Range(0, 4).Select(i => cluster.TestSet.Labels[i]).ToArray();

        // Interleaved, so that every normal request runs after some rejected ones (six used to open all three breakers).
        var rejections = new List<RpcException>();
        var answers = new List<ModelInferResponse>();
        for (int i = 0; i < 8; i++)
        {
            var rejected = Rejected(bad, oversized);
            var served = good.ModelInferAsync(normal).ResponseAsync;
            rejections.Add(await rejected);
            answers.Add(await served);
        }

        Assert.All(rejections, ex =>
        {
            Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
            Assert.Contains($"batch size {Oversized} is out of range 1..64", ex.Status.Detail, StringComparison.Ordinal);
        });
        Assert.All(answers, response =>
        {
            Assert.False(InferenceCalls.Fallback(response));
            Assert.Equal(3, InferenceCalls.Answered(response));
        });
        Assert.True(answers.Select(InferenceCalls.Predictions).All(p => p.Zip(expected).Count(x => x.First == x.Second) >= 3));
        await AssertBreakersClosed("mnist_guarded", "mnist_cnn_1", "mnist_cnn_2", "mnist_cnn_3");
    }

    [Fact]
    public async Task Values_far_out_of_range_or_not_finite_are_invalid_arguments_and_never_reach_a_worker()
    {
        foreach (float value in new[] { 3e38f, float.NaN, float.NegativeInfinity, 255f })
        {
            var data = cluster.TestSet.ToModelInput(0, 1);
            data[100] = value;

            var ex = await Rejected(cluster.Client, InferenceCalls.Fp32("mnist_guarded", data, 1));

            Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
            Assert.Contains("at flat index 100 is outside [0, 1] (FP32 values are pixel/255)", ex.Status.Detail, StringComparison.Ordinal);
        }

        var wrongName = InferenceCalls.Fp32("mnist_guarded", cluster.TestSet.ToModelInput(0, 1), 1);
        wrongName.Inputs[0].Name = "INPUT__0";
        var named = await Rejected(cluster.Client, wrongName);
        Assert.Equal(StatusCode.InvalidArgument, named.StatusCode);
        Assert.Contains("input 'INPUT__0' is not an input of the ensemble; inputs: 'input'", named.Status.Detail, StringComparison.Ordinal);

        await AssertBreakersClosed("mnist_guarded", "mnist_cnn_1", "mnist_cnn_2", "mnist_cnn_3");
    }

    [Fact]
    public async Task A_worker_that_blames_the_request_answers_the_client_with_its_status_and_its_breaker_stays_closed()
    {
        // The member asks its worker for version 7, which the worker does not serve: NOT_FOUND on every call.
        var before = await Endpoint("mnist_rejecting", "mnist_cnn_1");
        for (int i = 0; i < 6; i++)
        {
            var ex = await Rejected(cluster.Client, InferenceCalls.Fp32("mnist_rejecting", cluster.TestSet.ToModelInput(0, 1), 1));

            Assert.Equal(StatusCode.NotFound, ex.StatusCode);
            Assert.Contains("member 'mnist_cnn_1' rejected the request: NotFound: Model 'mnist_cnn_1' has no version '7'", ex.Status.Detail, StringComparison.Ordinal);
            // No worker address in what the client reads.
            Assert.DoesNotContain("127.0.0.1", ex.Status.Detail, StringComparison.Ordinal);
        }

        var after = await Endpoint("mnist_rejecting", "mnist_cnn_1");
        Assert.Equal("closed", after.BreakerState);
        Assert.Equal(6UL, after.FailuresByKind["rejected_not_found"] - before.FailuresByKind.GetValueOrDefault("rejected_not_found"));
        await AssertBreakersClosed("mnist_rejecting", "mnist_cnn_1", "mnist_cnn_2");
    }

    private static async Task<RpcException> Rejected(GRPCInferenceService.GRPCInferenceServiceClient client, ModelInferRequest request) =>
        await Assert.ThrowsAsync<RpcException>(async () => await client.ModelInferAsync(request, deadline: DateTime.UtcNow.AddSeconds(60)));

    private async Task<EndpointStatistics> Endpoint(string ensemble, string member)
    {
        var stats = await cluster.Admin.GetStatisticsAsync(new GetStatisticsRequest { Ensemble = ensemble });
        var endpoints = stats.Ensembles.Single().Members.Single(m => m.Name == member).Endpoints;
        return endpoints.Count > 0 ? endpoints[0] : new EndpointStatistics { BreakerState = "closed" };
    }

    private async Task AssertBreakersClosed(string ensemble, params string[] members)
    {
        foreach (var member in members)
        {
            Assert.Equal((member, "closed"), (member, (await Endpoint(ensemble, member)).BreakerState));
        }
    }
}
