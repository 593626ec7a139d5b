using EnsembleGrpc.Datasets;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Hosting;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Tests.Shared;
using Grpc.Net.Client;

namespace EnsembleGrpc.Router.Tests.Functional;

/// <summary>
/// An ensemble whose members differ in cost, over real workers: one takes 120 ms a request (its worker's injected
/// latency stands for a larger model), the others a few milliseconds. Outlier ejection judges each endpoint against its
/// own member, so the costly member is neither slow nor an outlier and every answer has all three members.
/// </summary>
public sealed class CostlyMemberEjectionTests
{
    [Fact]
    public async Task A_member_slower_by_design_than_the_others_is_never_ejected_and_every_answer_is_full()
    {
        await using var w1 = await InProcessWorker.StartAsync("mnist_cnn_1");
        await using var w2 = await InProcessWorker.StartAsync("mnist_cnn_2");
        await using var costly = await InProcessWorker.StartAsync("mnist_cnn_3", "--fault-latency-ms", "120");
        using var files = new TestFiles();
        string config = $$"""
            { "model_repository": "{{RepoPaths.Models.Replace("\\", "/", StringComparison.Ordinal)}}",
              "ensembles": [ { "name": "mixed", "quorum": 1, "timeout_ms": 5000,
                "members": [ { "name": "mnist_cnn_1", "endpoints": ["{{w1.Address}}"] },
                             { "name": "mnist_cnn_2", "endpoints": ["{{w2.Address}}"] },
                             { "name": "mnist_cnn_3", "endpoints": ["{{costly.Address}}"] } ],
                "arms": [ { "name": "bagging", "strategy": "bagging", "weight": 1 } ] } ] }
            """;
        await using var router = RouterHost.Build(["--config", files.Write("routing.json", config), "--port", "0", "--watch", "false", "--state", "none",
            "--Logging:LogLevel:Default", "Warning"]);
        await router.StartAsync();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{router.Port}");
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var input = EgdsDataset.Load(Path.Combine(RepoPaths.Models, "data", "mnist-test.bin")).ToModelInput(0, 1);

        // 4 callers × 15 requests: the fast members pass the 16 answers the rules need within the first few rounds,
        // and the costly one too; compared with them, every one of its 120 ms calls would be slow (over the 100 ms floor).
        var reasons = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            var mine = new List<string>();
            for (int i = 0; i < 15; i++)
            {
                var response = await client.ModelInferAsync(InferenceCalls.Fp32("mixed", input, 1));
                mine.Add(InferenceCalls.Fallback(response) ? InferenceCalls.Str(response, "fallback_reason") : "");
            }

            return mine;
        }));

        Assert.All(reasons.SelectMany(r => r), reason => Assert.Equal("", reason));
        await router.StopAsync(CancellationToken.None);
    }
}
