using System.Diagnostics;
using EnsembleGrpc.InferenceServer.Execution;
using EnsembleGrpc.InferenceServer.Frontend;
using EnsembleGrpc.InferenceServer.Hosting;
using EnsembleGrpc.InferenceServer.Tests.Support;
using EnsembleGrpc.Protocol;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.InferenceServer.Tests.Execution;

/// <summary>The device as a client and an operator see it: over gRPC, and at start-up.</summary>
public sealed class ExecutionProviderWorkerTests
{
    private static readonly string? CudaUnavailable = CudaProvider.UnavailableReason(0);

    [Fact]
    public async Task ModelMetadata_carries_the_execution_provider_in_its_trailers_and_the_model_answers()
    {
        // The default device (auto): cuda:0 where CUDA loads, otherwise the CPU.
        await using var worker = await TestWorker.StartAsync(["--repository", RepoPaths.Models, "--models", "mnist_cnn_1"]);
        var call = worker.Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "mnist_cnn_1" });
        var metadata = await call.ResponseAsync;

        Assert.Equal("onnxruntime_onnx", metadata.Platform);
        Assert.Equal(CudaUnavailable is null ? "cuda:0" : "cpu", call.GetTrailers().GetValue(MetadataMapping.ExecutionProviderKey));
        var split = Executors.Split.Value;
        var response = await worker.Client.ModelInferAsync(Tensors.Raw("mnist_cnn_1", "input", split.Slice(0, 1), 1, 1, 28, 28));
        Assert.Equal(split.Labels[0], Tensors.ArgMax(Tensors.Output(response)));
    }

    [Fact]
    public async Task Cpu_is_reported_as_cpu()
    {
        await using var worker = await TestWorker.StartAsync(["--repository", RepoPaths.Models, "--models", "mnist_cnn_2", "--device", "cpu"]);
        var call = worker.Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "mnist_cnn_2" });
        await call.ResponseAsync;
        Assert.Equal("cpu", call.GetTrailers().GetValue(MetadataMapping.ExecutionProviderKey));
    }

    [Fact]
    public async Task Cuda_where_it_cannot_load_stops_the_worker_process_at_start_up_with_a_one_line_reason()
    {
        if (CudaUnavailable is null)
        {
            // A GPU machine: the same options start a worker (covered by the trailers test); nothing to refuse.
            var result = new WorkerOptionsValidator().Validate(null, new WorkerOptions { Repository = RepoPaths.Models, Models = "mnist_cnn_1", Device = "cuda" });
            Assert.True(result.Succeeded, result.FailureMessage);
            return;
        }

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepoPaths.Root };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "EnsembleGrpc.InferenceServer.dll"), "--repository", RepoPaths.Models, "--models", "mnist_cnn_1", "--port", "0", "--device", "cuda" })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));

        Assert.NotEqual(0, process.ExitCode);
        var reasonLines = (await errors).Split('\n').Where(l => l.Contains("--device", StringComparison.Ordinal)).ToArray();
        Assert.Equal($"error: --device: cuda:0 is unavailable: {CudaUnavailable}", Assert.Single(reasonLines).Trim());
        Assert.DoesNotContain("worker ready", await output);
    }

    [Fact]
    public async Task Cuda_where_it_cannot_load_fails_the_in_process_host_before_any_model_loads()
    {
        if (CudaUnavailable is null)
        {
            return;
        }

        // Building or starting, whichever validates the options first: no model gets loaded either way.
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var host = WorkerHost.Build(["--repository", RepoPaths.Models, "--models", "mnist_cnn_1", "--port", "0", "--device", "cuda:0", "--Logging:LogLevel:Default", "Warning"]);
            await host.StartAsync();
        });
        Assert.Contains($"--device: cuda:0 is unavailable: {CudaUnavailable}", error.Failures);
    }
}
