using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Engine.Admission;
using System.Text;
using System.Text.Json.Nodes;
using EnsembleGrpc.Router.Tests.Functional.Rest;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Tests.Shared;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

namespace EnsembleGrpc.Router.Tests.Functional;

/// <summary>
/// <c>Router:Admission:ClientHeader</c>: requests that name their client in that header are one client for fair
/// admission however many connections, and which of the two protocols, they come on. Over a member that never answers, so admitted requests stay in
/// flight and the order in which freed rows are given out shows who counted as whom.
/// </summary>
public sealed class AdmissionClientHeaderFunctionalTests
{
    [Fact]
    public async Task Connections_that_name_the_same_client_in_the_header_share_its_fair_share_of_rows()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        using var files = new TestFiles();
        await using var router = AdmissionRefusalFunctionalTests.OverSilentMember(files, silent,
            "--Router:Admission:MaxRowsInFlight", "64", "--Router:Admission:QueueTimeoutMs", "60000", "--Router:Admission:ClientHeader", "x-tenant");
        await router.StartAsync();
        var admission = router.Services.GetRequiredService<AdmissionController>();
        using var cancel = new CancellationTokenSource();
        using var first = new CancellationTokenSource();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{router.HttpPort}") };
        http.DefaultRequestHeaders.Add("x-tenant", "a");
        var channels = Enumerable.Range(0, 3).Select(_ => GrpcChannel.ForAddress($"http://127.0.0.1:{router.Port}")).ToArray();
        var calls = new List<Task>();
        try
        {
            // Tenant a: 20 + 20 rows in flight on two gRPC connections, then 28 more waiting on a REST connection; tenant
            // b: 30 waiting, over gRPC.
            calls.Add(SendAsync(channels[0], "a", 20, first.Token));
            await Eventually.WaitUntilAsync(() => admission.RowsInFlight == 20, "tenant a's first 20 rows are in flight");
            calls.Add(SendAsync(channels[1], "a", 20, cancel.Token));
            await Eventually.WaitUntilAsync(() => admission.RowsInFlight == 40, "tenant a's second 20 rows are in flight");
            var body = RestJson.Request("input", "FP32", [28, 1, 28, 28], Enumerable.Range(0, 28 * 784).Select(_ => (JsonNode?)0.0));
            calls.Add(http.PostAsync("/v2/models/mnist/infer", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), cancel.Token));
            await Eventually.WaitUntilAsync(() => admission.Waiting == 1, "tenant a's 28 rows wait");
            calls.Add(SendAsync(channels[2], "b", 30, cancel.Token));
            await Eventually.WaitUntilAsync(() => admission.Waiting == 2, "tenant b's 30 rows wait");

            // 20 rows freed: 44 free, room for one of the two. By connection, a's REST connection (no rows in flight,
            // the smaller request, and the older) would go first; by tenant, a already holds 20 rows, so b goes first.
            await first.CancelAsync();
            // The gate takes a waiter out of the queue and then counts its rows, under its lock; these are two reads
            // without it, so wait for both moves (Waiting alone once read 1 while the rows were still 20).
            await Eventually.WaitUntilAsync(() => admission.Waiting == 1 && admission.RowsInFlight > 20, "one waiting request is admitted");

            Assert.Equal(20 + 30, admission.RowsInFlight);
        }
        finally
        {
            await cancel.CancelAsync();
            await first.CancelAsync();
            // Cancelled on purpose: how each call ends is not what this test checks.
            await Task.WhenAll(calls.Select(c => c.ContinueWith(static _ => { }, TaskScheduler.Default)));
            foreach (var channel in channels)
            {
                channel.Dispose();
            }
        }
    }

    [Theory]
    [InlineData("x-tenant", true)]
    [InlineData("", true)]
    [InlineData("X-Tenant", false)]
    [InlineData("grpc-tenant", false)]
    [InlineData("x tenant", false)]
    public void The_client_header_must_be_a_lowercase_header_name_not_reserved_by_gRPC(string header, bool valid)
    {
        var options = new AdmissionOptions { ClientHeader = header };
        var results = new List<ValidationResult>();

        bool ok = Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);

        Assert.Equal(valid, ok);
        if (!valid)
        {
            Assert.Contains("is not a usable header name", Assert.Single(results).ErrorMessage, StringComparison.Ordinal);
        }
    }

    private static async Task SendAsync(GrpcChannel channel, string tenant, int rows, CancellationToken cancellationToken)
    {
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        try
        {
            await client.ModelInferAsync(InferenceCalls.Fp32("mnist", new float[rows * 784], rows), new Metadata { { "x-tenant", tenant } }, cancellationToken: cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
        {
            // The test gives up on the held requests when it is done.
        }
    }
}
