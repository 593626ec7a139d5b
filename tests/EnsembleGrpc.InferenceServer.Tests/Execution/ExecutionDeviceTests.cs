using EnsembleGrpc.InferenceServer.Execution;
using EnsembleGrpc.InferenceServer.Hosting;
using EnsembleGrpc.InferenceServer.Tests.Support;

namespace EnsembleGrpc.InferenceServer.Tests.Execution;

public sealed class ExecutionDeviceTests
{
    [Theory]
    [InlineData("auto", ExecutionDeviceKind.Auto, 0)]
    [InlineData(" AUTO ", ExecutionDeviceKind.Auto, 0)]
    [InlineData("cpu", ExecutionDeviceKind.Cpu, 0)]
    [InlineData("CUDA", ExecutionDeviceKind.Cuda, 0)]
    [InlineData("cuda:3", ExecutionDeviceKind.Cuda, 3)]
    public void Parses_devices(string text, ExecutionDeviceKind kind, int id) => Assert.Equal(new ExecutionDevice(kind, id), ExecutionDevice.Parse(text));

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    [InlineData("auto:0")]
    [InlineData("")]
    public void Rejects_unknown_devices(string text) => Assert.Null(ExecutionDevice.Parse(text));

    [Fact]
    public void Auto_is_the_default()
    {
        Assert.Equal("auto", new WorkerOptions().Device);
        Assert.Equal(ExecutionDevice.Auto, new ExecutionSettings().Device);
    }

    [Fact]
    public void The_validator_names_the_accepted_forms()
    {
        var result = new WorkerOptionsValidator().Validate(null, new WorkerOptions { Repository = RepoPaths.Models, Models = "mnist_cnn_1", Device = "gpu0" });
        var failure = Assert.Single(result.Failures!);
        Assert.Equal("--device: 'gpu0' is not auto, cpu, cuda or cuda:N (N = GPU index, 0 or more)", failure);
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("cpu")]
    public void Auto_and_cpu_pass_validation_on_any_machine(string device)
    {
        var result = new WorkerOptionsValidator().Validate(null, new WorkerOptions { Repository = RepoPaths.Models, Models = "mnist_cnn_1", Device = device });
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Cuda_passes_validation_only_where_its_provider_loads_and_otherwise_says_why()
    {
        var result = new WorkerOptionsValidator().Validate(null, new WorkerOptions { Repository = RepoPaths.Models, Models = "mnist_cnn_1", Device = "cuda" });
        if (CudaProvider.UnavailableReason(0) is { } reason)
        {
            var failure = Assert.Single(result.Failures!);
            Assert.Equal($"--device: cuda:0 is unavailable: {reason}", failure);
            Assert.Contains("Failed to load", reason);
            Assert.DoesNotContain('\n', reason);
        }
        else
        {
            Assert.True(result.Succeeded, result.FailureMessage);
        }
    }

    [Fact]
    public void A_provider_load_failure_is_explained_by_the_loaders_error_on_one_line()
    {
        var reason = CudaProvider.Explain(
            "[ErrorCode:Fail] OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library",
            ["unrelated warning", "provider_bridge_ort.cc:2059 [ONNXRuntimeError] : 1 : FAIL : Failed to load library /x/libonnxruntime_providers_cuda.so with error: libcudnn.so.9: cannot open shared object file: No such file or directory\n"]);
        Assert.Equal("[ErrorCode:Fail] OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library (Failed to load library /x/libonnxruntime_providers_cuda.so with error: libcudnn.so.9: cannot open shared object file: No such file or directory)", reason);
        Assert.Equal("no GPU found", CudaProvider.Explain("no GPU\nfound", []));
    }
}
