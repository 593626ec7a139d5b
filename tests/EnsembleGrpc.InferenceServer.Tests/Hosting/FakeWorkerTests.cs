using EnsembleGrpc.Tests.Shared;
using System.Runtime.InteropServices;
using EnsembleGrpc.InferenceServer.Execution;
using EnsembleGrpc.InferenceServer.Repository;
using EnsembleGrpc.InferenceServer.Tests.Support;
using EnsembleGrpc.Protocol;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace EnsembleGrpc.InferenceServer.Tests.Hosting;

/// <summary>The whole worker over gRPC with fake executors: readiness, queueing, deadlines, faults, shutdown.</summary>
public sealed class FakeWorkerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // Long enough for a request to reach a busy server's queue well before it, short enough to keep the test quick.
    private static readonly TimeSpan LateDeadline = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_model_is_ready_only_after_load_and_warm_up()
    {
        using var repository = new FakeRepository("fake");
        var factory = new FakeExecutorFactory(gatedLoad: true);
        await using var worker = await TestWorker.StartFakeAsync(repository, factory, "fake");
        await factory.LoadEntered.Task.WaitAsync(Timeout);

        Assert.True((await worker.Client.ServerLiveAsync(new ServerLiveRequest())).Live);
        Assert.False((await worker.Client.ServerReadyAsync(new ServerReadyRequest())).Ready);
        Assert.False((await worker.Client.ModelReadyAsync(new ModelReadyRequest { Name = "fake" })).Ready);
        var loading = await Assert.ThrowsAsync<RpcException>(() => worker.Client.ModelInferAsync(Request(1, 0)).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, loading.StatusCode);
        Assert.Contains("LOADING", loading.Status.Detail);

        factory.OpenLoad();
        Assert.True(await worker.Host.WaitUntilLoadedAsync().WaitAsync(Timeout));
        Assert.True((await worker.Client.ModelReadyAsync(new ModelReadyRequest { Name = "fake" })).Ready);
        Assert.True((await worker.Client.ServerReadyAsync(new ServerReadyRequest())).Ready);

        // Warm-up ran once per warm-up batch size (1 and the max batch size 8) before READY, outside the statistics.
        Assert.Equal([1, 8], factory["fake"].BatchSizes);
        var statistics = (await worker.Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "fake" })).ModelStats.Single();
        Assert.Equal(0UL, statistics.ExecutionCount);

        var unknown = await Assert.ThrowsAsync<RpcException>(() => worker.Client.ModelReadyAsync(new ModelReadyRequest { Name = "other" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("served: fake", unknown.Status.Detail);
    }

    [Fact]
    public async Task Concurrent_requests_are_coalesced_and_each_gets_its_rows()
    {
        using var repository = new FakeRepository("fake");
        var factory = new FakeExecutorFactory();
        await using var worker = await StartLoadedAsync(repository, factory, "--concurrency", "1");
        var executor = factory["fake"];
        executor.Close();
        executor.ResetEntered();

        var first = worker.Client.ModelInferAsync(Request(1, 0)).ResponseAsync;
        await executor.Entered.WaitAsync(Timeout);
        var rows = new[] { 1, 2, 3, 1, 1, 4, 2, 1 };
        // One at a time into the queue, so their order (and so the batches) is fixed.
        var calls = new Task<ModelInferResponse>[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            calls[i] = worker.Client.ModelInferAsync(Request(rows[i], (i + 1) * 1000)).ResponseAsync;
            var queued = i + 1;
            await Eventually.WaitUntilAsync(() => worker.Models.Models[0].Scheduler!.QueuedCount == queued, $"request {queued} is queued");
        }

        executor.Open();
        AssertRows(await first.WaitAsync(Timeout), 1, 0);
        for (var i = 0; i < rows.Length; i++)
        {
            AssertRows(await calls[i].WaitAsync(Timeout), rows[i], (i + 1) * 1000);
        }

        // After warm-up [1, 8] and the first request, the 8 queued requests (15 rows, in queue order) go in batches of
        // at most 8 rows, a batch closing when the next request does not fit: 1+2+3+1+1 = 8, then 4+2+1 = 7.
        var batches = executor.BatchSizes.Skip(3).ToArray();
        Assert.Equal([1, 8, 1], executor.BatchSizes.Take(3));
        Assert.Equal([8, 7], batches);
        var statistics = (await worker.Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "fake" })).ModelStats.Single();
        Assert.Equal(16UL, statistics.InferenceCount);
        Assert.Equal((ulong)(1 + batches.Length), statistics.ExecutionCount);
        Assert.Equal(9UL, statistics.InferenceStats.Success.Count);
        Assert.Equal(9UL, statistics.InferenceStats.Queue.Count);
    }

    [Fact]
    public async Task A_full_queue_answers_resource_exhausted_and_the_worker_recovers()
    {
        using var repository = new FakeRepository("fake");
        var factory = new FakeExecutorFactory();
        await using var worker = await StartLoadedAsync(repository, factory, "--concurrency", "1", "--max-queue-size", "2");
        var executor = factory["fake"];
        executor.Close();
        executor.ResetEntered();

        var running = worker.Client.ModelInferAsync(Request(1, 0)).ResponseAsync;
        await executor.Entered.WaitAsync(Timeout);
        var queued = new[] { worker.Client.ModelInferAsync(Request(1, 10)).ResponseAsync, worker.Client.ModelInferAsync(Request(1, 20)).ResponseAsync };
        await Eventually.WaitUntilAsync(() => worker.Models.Models[0].Scheduler!.QueuedCount == 2, "two requests are queued");

        var full = await Assert.ThrowsAsync<RpcException>(() => worker.Client.ModelInferAsync(Request(1, 30)).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, full.StatusCode);
        Assert.Contains("queue is full", full.Status.Detail);

        executor.Open();
        AssertRows(await running.WaitAsync(Timeout), 1, 0);
        AssertRows(await queued[0].WaitAsync(Timeout), 1, 10);
        AssertRows(await queued[1].WaitAsync(Timeout), 1, 20);
        AssertRows(await worker.Client.ModelInferAsync(Request(2, 40)), 2, 40);
    }

    [Fact]
    public async Task A_request_whose_deadline_passes_while_queued_is_answered_deadline_exceeded_and_never_runs()
    {
        using var repository = new FakeRepository("fake");
        var factory = new FakeExecutorFactory();
        await using var worker = await StartLoadedAsync(repository, factory, "--concurrency", "1");
        var executor = factory["fake"];
        executor.Close();
        executor.ResetEntered();

        var running = worker.Client.ModelInferAsync(Request(1, 0)).ResponseAsync;
        await executor.Entered.WaitAsync(Timeout);
        var model = worker.Models.Models[0];
        var lateCall = worker.Client.ModelInferAsync(Request(1, 777), deadline: DateTime.UtcNow.Add(LateDeadline)).ResponseAsync;
        // Queued first: with a 300 ms deadline a busy CI machine once let the client's deadline pass before the server
        // had read the request, so the server never saw it and the test below waited for a drop that could not come.
        await Eventually.WaitUntilAsync(() => model.Scheduler!.QueuedCount == 1, "the late request is queued before its deadline");
        var late = await Assert.ThrowsAsync<RpcException>(() => lateCall);
        Assert.Equal(StatusCode.DeadlineExceeded, late.StatusCode);

        // The server drops it on its own deadline timer, before the running batch ends.
        await Eventually.WaitUntilAsync(() => model.Statistics.Snapshot().Fail.Count == 1 && model.Scheduler!.QueuedCount == 0, "the server dropped the expired request");

        executor.Open();
        AssertRows(await running.WaitAsync(Timeout), 1, 0);
        AssertRows(await worker.Client.ModelInferAsync(Request(1, 5)), 1, 5);
        Assert.Equal([1, 8, 1, 1], executor.BatchSizes);
        Assert.DoesNotContain(executor.Inputs, input => input.Contains(777f));
    }

    [Fact]
    public async Task Shutdown_drains_queued_and_in_flight_requests()
    {
        using var repository = new FakeRepository("fake");
        var factory = new FakeExecutorFactory();
        var worker = await StartLoadedAsync(repository, factory, "--concurrency", "1");
        var executor = factory["fake"];
        executor.Close();
        executor.ResetEntered();

        var running = worker.Client.ModelInferAsync(Request(1, 0)).ResponseAsync;
        await executor.Entered.WaitAsync(Timeout);
        var queued = worker.Client.ModelInferAsync(Request(2, 100)).ResponseAsync;
        await Eventually.WaitUntilAsync(() => worker.Models.Models[0].Scheduler!.QueuedCount == 1, "the second request is queued");

        var stopping = worker.Host.StopAsync();
        await Eventually.WaitUntilAsync(() => worker.Models.Models[0].ReadyState == ModelReadyState.Unloading, "the model is unloading");
        Assert.False(stopping.IsCompleted);

        executor.Open();
        AssertRows(await running.WaitAsync(Timeout), 1, 0);
        AssertRows(await queued.WaitAsync(Timeout), 2, 100);
        await stopping.WaitAsync(Timeout);
        Assert.True(executor.Disposed);
        worker.Channel.Dispose();
        await worker.Host.DisposeAsync();
    }

    [Fact]
    public async Task Injected_failures_and_hangs_are_configured_from_the_command_line_and_scoped_to_a_model()
    {
        using var repository = new FakeRepository("fake", "healthy");
        var factory = new FakeExecutorFactory();
        await using var failing = await StartLoadedAsync(repository, factory, "--models", "fake,healthy", "--fault-failure-rate", "1", "--fault-models", "fake", "--fault-seed", "3");
        var injected = await Assert.ThrowsAsync<RpcException>(() => failing.Client.ModelInferAsync(Request(1, 0)).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, injected.StatusCode);
        Assert.Contains("injected fault", injected.Status.Detail);
        AssertRows(await failing.Client.ModelInferAsync(Request(1, 0, "healthy")), 1, 0);

        using var hangRepository = new FakeRepository("fake");
        await using var hanging = await StartLoadedAsync(hangRepository, new FakeExecutorFactory(), "--fault-hang", "--fault-failure-status", "internal");
        var hung = await Assert.ThrowsAsync<RpcException>(() =>
            hanging.Client.ModelInferAsync(Request(1, 0), deadline: DateTime.UtcNow.AddMilliseconds(200)).ResponseAsync);
        Assert.Equal(StatusCode.DeadlineExceeded, hung.StatusCode);
    }

    [Fact]
    public async Task A_model_that_fails_to_load_is_unavailable_while_the_others_serve()
    {
        using var repository = new FakeRepository("fake", "broken");
        File.WriteAllText(Path.Combine(repository.Root, "broken", "config.json"), """{"name": "broken", "platform": "tensorflow", "max_batch_size": 0}""");
        var factory = new FakeExecutorFactory();
        await using var worker = await TestWorker.StartFakeAsync(repository, factory, "fake,broken", "--exit-on-load-error", "false");
        Assert.False(await worker.Host.WaitUntilLoadedAsync().WaitAsync(Timeout));

        Assert.False((await worker.Client.ServerReadyAsync(new ServerReadyRequest())).Ready);
        Assert.False((await worker.Client.ModelReadyAsync(new ModelReadyRequest { Name = "broken" })).Ready);
        var broken = await Assert.ThrowsAsync<RpcException>(() => worker.Client.ModelInferAsync(Request(1, 0, "broken")).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, broken.StatusCode);
        Assert.Contains("UNAVAILABLE", broken.Status.Detail);
        Assert.Contains("only 'onnxruntime_onnx' is served", broken.Status.Detail);
        AssertRows(await worker.Client.ModelInferAsync(Request(1, 0)), 1, 0);
    }

    private static async Task<TestWorker> StartLoadedAsync(FakeRepository repository, FakeExecutorFactory factory, params string[] args)
    {
        var models = args.Contains("--models") ? [] : new[] { "--models", "fake" };
        var worker = await TestWorker.StartAsync(
            ["--repository", repository.Root, .. models, .. args],
            services => services.AddSingleton<IModelExecutorFactory>(factory));
        return worker;
    }

    private static ModelInferRequest Request(int rows, float seed, string model = "fake")
        => Tensors.Raw(model, "x", SchedulerHarness.Values(rows, seed), rows, FakeExecutor.Width);

    private static void AssertRows(ModelInferResponse response, int rows, float seed)
    {
        var values = SchedulerHarness.Values(rows, seed);
        Assert.Equal(["doubled", "sum"], response.Outputs.Select(o => o.Name));
        Assert.Equal([rows, FakeExecutor.Width], response.Outputs[0].Shape);
        Assert.Equal(values.Select(v => v * 2), MemoryMarshal.Cast<byte, float>(response.RawOutputContents[0].Span).ToArray());
        Assert.Equal([rows, 1L], response.Outputs[1].Shape);
    }
}
