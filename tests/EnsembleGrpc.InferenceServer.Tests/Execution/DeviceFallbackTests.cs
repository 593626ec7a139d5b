using EnsembleGrpc.InferenceServer.Execution;
using EnsembleGrpc.InferenceServer.Tests.Support;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.InferenceServer.Tests.Execution;

/// <summary>
/// <c>--device auto</c> and <c>cuda</c> on whatever machine runs the tests: without a usable GPU (CI, this project's
/// machines) auto serves on the CPU with one warning and cuda refuses; with one, both run on cuda:0.
/// </summary>
public sealed class DeviceFallbackTests
{
    private static readonly string? CudaUnavailable = CudaProvider.UnavailableReason(0);

    [Fact]
    public void Auto_serves_on_the_cpu_with_one_warning_saying_why_when_cuda_cannot_load_and_on_cuda_otherwise()
    {
        var logger = new RecordingLogger<OrtModelExecutorFactory>();
        var factory = new OrtModelExecutorFactory(Executors.Cpu with { Device = ExecutionDevice.Auto }, logger);
        using var first = factory.Create(Executors.Read("mnist_cnn_1"));
        using var second = factory.Create(Executors.Read("mnist_cnn_2"));

        if (CudaUnavailable is null)
        {
            Assert.Equal("cuda:0", first.ExecutionProvider);
            Assert.Equal("cuda:0", second.ExecutionProvider);
            Assert.DoesNotContain(logger.Entries, e => e.Level >= LogLevel.Warning);
        }
        else
        {
            Assert.Equal("cpu", first.ExecutionProvider);
            Assert.Equal("cpu", second.ExecutionProvider);
            Assert.Equal(CudaUnavailable, factory.CpuFallbackReason);
            var warning = Assert.Single(logger.Entries, e => e.Level >= LogLevel.Warning);
            Assert.Equal(LogLevel.Warning, warning.Level);
            Assert.Equal($"CUDA is unavailable, serving on the CPU (--device auto): {CudaUnavailable}", warning.Message);
            Assert.Contains("Failed to load", warning.Message);
        }

        Assert.Contains(logger.Entries, e => e.Message == $"Model mnist_cnn_1 version 1 runs on execution provider {first.ExecutionProvider}");

        // Still the trained model's answers (to the digit; CUDA kernels may differ in the last bits).
        var reference = Executors.Reference.Value.Members["mnist_cnn_1"];
        var output = first.Run(reference.Length, [Executors.Split.Value.Slice(0, reference.Length)])[0];
        for (var r = 0; r < reference.Length; r++)
        {
            Assert.Equal(Tensors.ArgMax(reference[r]), Tensors.ArgMax(output.AsSpan(r * 10, 10)));
            Assert.Equal(reference[r][Tensors.ArgMax(reference[r])], output[r * 10 + Tensors.ArgMax(reference[r])], 1e-3f);
        }
    }

    [Fact]
    public void Cuda_runs_on_the_gpu_or_fails_to_load_with_the_reason()
    {
        var factory = new OrtModelExecutorFactory(Executors.Cpu with { Device = ExecutionDevice.Parse("cuda:0")! });
        if (CudaUnavailable is null)
        {
            using var executor = factory.Create(Executors.Read("mnist_cnn_1"));
            Assert.Equal("cuda:0", executor.ExecutionProvider);
            Assert.Equal(10, executor.Run(1, [new float[784]])[0].Length);
        }
        else
        {
            var error = Assert.Throws<ModelLoadException>(() => factory.Create(Executors.Read("mnist_cnn_1")));
            Assert.Equal($"Model 'mnist_cnn_1' version 1 could not be loaded on cuda:0: the CUDA execution provider is unavailable: {CudaUnavailable}", error.Message);
        }
    }

    [Fact]
    public void Cpu_never_tries_cuda()
    {
        var logger = new RecordingLogger<OrtModelExecutorFactory>();
        var factory = new OrtModelExecutorFactory(Executors.Cpu, logger);
        using var executor = factory.Create(Executors.Read("mnist_cnn_1"));
        Assert.Equal("cpu", executor.ExecutionProvider);
        Assert.Null(factory.CpuFallbackReason);
        Assert.DoesNotContain(logger.Entries, e => e.Level >= LogLevel.Warning);
    }
}
