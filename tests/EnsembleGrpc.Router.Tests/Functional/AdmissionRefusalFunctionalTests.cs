using System.Globalization;
using System.Net.Sockets;
using System.Net;
using System.Text.Json.Nodes;
using EnsembleGrpc.Hosting.Errors;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Engine.Admission;
using EnsembleGrpc.Router.Hosting;
using EnsembleGrpc.Router.Tests.Experiments;
using EnsembleGrpc.Router.Tests.Functional.Rest;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Tests.Shared;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Router.Tests.Functional;

/// <summary>
/// A router whose one request slot is held by a request its member never answers (the member accepts TCP and says
/// nothing): the next request is refused at once, over gRPC with RESOURCE_EXHAUSTED and the wait in the
/// <c>grpc-retry-pushback-ms</c> trailer that gRPC clients' retry policies obey, over REST with 429 and Retry-After.
/// </summary>
public sealed class AdmissionRefusalFunctionalTests
{
    [Fact]
    public async Task A_request_beyond_the_slots_and_queue_is_refused_at_once_telling_the_client_when_to_retry()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        using var files = new TestFiles();
        await using var router = OverSilentMember(files, silent, "--Router:Admission:MaxInFlight", "1", "--Router:Admission:QueueLimit", "0");
        await router.StartAsync();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{router.Port}");
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var admission = router.Services.GetRequiredService<AdmissionController>();
        using var holder = new CancellationTokenSource();
        var held = client.ModelInferAsync(InferenceCalls.Fp32("mnist", new float[784], 1), cancellationToken: holder.Token);
        await Eventually.WaitUntilAsync(() => admission.InFlight == 1, "the first request holds the slot");

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await client.ModelInferAsync(InferenceCalls.Fp32("mnist", new float[784], 1)));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{router.HttpPort}") };
        var (rest, body) = await RestJson.PostAsync(http, "/v2/models/mnist/infer",
            RestJson.Request("input", "FP32", [1, 1, 28, 28], Enumerable.Range(0, 784).Select(_ => (JsonNode?)0.0)));

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.StartsWith("the router is overloaded: 1 requests or 512 rows in flight and 0 requests waiting; retry after ", refused.Status.Detail, StringComparison.Ordinal);
        // The default shortest wait (50 ms), jittered to 0.5-1.5 times.
        long pushback = long.Parse(refused.Trailers.GetValue(RetryPushbackMetadata.Key)!, CultureInfo.InvariantCulture);
        Assert.InRange(pushback, 25, 75);
        Assert.Equal(HttpStatusCode.TooManyRequests, rest.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), rest.Headers.RetryAfter?.Delta);
        Assert.Contains("the router is overloaded", RestJson.Error(body), StringComparison.Ordinal);
        Assert.Equal(2, admission.Refused);
        Assert.False(held.ResponseAsync.IsCompleted);

        // A grpc-dotnet client whose retry policy retries RESOURCE_EXHAUSTED reads the pushback (gRFC A6) and retries
        // after it; the slot is still held, so its second attempt is refused too.
        var logs = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        var retry = new RetryPolicy { MaxAttempts = 2, InitialBackoff = TimeSpan.FromSeconds(30), MaxBackoff = TimeSpan.FromSeconds(30), BackoffMultiplier = 1, RetryableStatusCodes = { StatusCode.ResourceExhausted } };
        using var retrying = GrpcChannel.ForAddress($"http://127.0.0.1:{router.Port}", new GrpcChannelOptions
        {
            LoggerFactory = loggers,
            ServiceConfig = new ServiceConfig { MethodConfigs = { new MethodConfig { Names = { MethodName.Default }, RetryPolicy = retry } } },
        });
        var again = await Assert.ThrowsAsync<RpcException>(async () =>
            await new GRPCInferenceService.GRPCInferenceServiceClient(retrying).ModelInferAsync(InferenceCalls.Fp32("mnist", new float[784], 1)));
        Assert.Equal(StatusCode.ResourceExhausted, again.StatusCode);
        var pushbacks = logs.Entries.Where(e => e.EventName == "RetryPushbackReceived").Select(e => e.Message).ToList();
        // One per attempt: the first attempt's wait was obeyed (the policy's own backoff is up to 30 s), then the second refused.
        Assert.Equal(2, pushbacks.Count);
        Assert.All(pushbacks, p => Assert.Matches("^Retry pushback of '[0-9]+' received", p));
        Assert.Equal(4, admission.Refused);

        await holder.CancelAsync();
        await Eventually.WaitUntilAsync(() => admission.InFlight == 0, "the cancelled request frees its slot");
    }

    [Fact]
    public async Task A_batch_holds_as_many_of_the_routers_rows_as_it_has_and_an_oversize_batch_counts_as_one()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        using var files = new TestFiles();
        await using var router = OverSilentMember(files, silent, "--Router:Admission:MaxRowsInFlight", "64", "--Router:Admission:QueueLimit", "0");
        await router.StartAsync();
        var admission = router.Services.GetRequiredService<AdmissionController>();
        // Two clients, each on its own connection.
        using var channelA = GrpcChannel.ForAddress($"http://127.0.0.1:{router.Port}");
        using var channelB = GrpcChannel.ForAddress($"http://127.0.0.1:{router.Port}");
        var a = new GRPCInferenceService.GRPCInferenceServiceClient(channelA);
        var b = new GRPCInferenceService.GRPCInferenceServiceClient(channelB);
        using var holder = new CancellationTokenSource();

        var held = a.ModelInferAsync(InferenceCalls.Fp32("mnist", new float[63 * 784], 63), cancellationToken: holder.Token);
        await Eventually.WaitUntilAsync(() => admission.RowsInFlight == 63, "the 63-row request holds 63 of the 64 rows");
        var twoRows = await Assert.ThrowsAsync<RpcException>(async () => await b.ModelInferAsync(InferenceCalls.Fp32("mnist", new float[2 * 784], 2)));
        // 65 rows is over the ensemble's max batch size (64): it takes the one free row and is refused for its size.
        var oversize = await Assert.ThrowsAsync<RpcException>(async () => await b.ModelInferAsync(InferenceCalls.Fp32("mnist", new float[65 * 784], 65)));

        Assert.Equal(StatusCode.ResourceExhausted, twoRows.StatusCode);
        Assert.StartsWith("the router is overloaded: 128 requests or 64 rows in flight", twoRows.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, oversize.StatusCode);
        Assert.Contains("batch size 65 is out of range 1..64", oversize.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(1, admission.Refused);

        await holder.CancelAsync();
        await Eventually.WaitUntilAsync(() => admission.RowsInFlight == 0, "the cancelled request frees its rows");
        Assert.False(held.ResponseAsync.IsCompletedSuccessfully);
    }

    /// <summary>
    /// A router (built, not started) whose one ensemble's one member is <paramref name="silent"/>, which accepts TCP and
    /// never answers, so that every admitted request stays in flight until its caller gives up.
    /// </summary>
    internal static RouterHost OverSilentMember(TestFiles files, TcpListener silent, params string[] admission)
    {
        string config = $$"""
            { "model_repository": "{{RepoPaths.Models.Replace("\\", "/", StringComparison.Ordinal)}}",
              "ensembles": [ { "name": "mnist", "quorum": 1, "timeout_ms": 60000,
                "members": [ { "name": "mnist_cnn_1", "endpoints": ["http://127.0.0.1:{{((IPEndPoint)silent.LocalEndpoint).Port}}"] } ],
                "arms": [ { "name": "bagging", "strategy": "bagging", "weight": 1 } ] } ] }
            """;
        return RouterHost.Build(["--config", files.Write("routing.json", config), "--port", "0", "--http-port", "0",
            "--watch", "false", "--state", "none", "--warmup-timeout-ms", "100", "--Logging:LogLevel:Default", "Warning", .. admission]);
    }
}
