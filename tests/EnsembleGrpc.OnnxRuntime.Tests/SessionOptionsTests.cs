using EnsembleGrpc.OnnxRuntime.Tests.Fixtures;

namespace EnsembleGrpc.OnnxRuntime.Tests;

public sealed class SessionOptionsTests
{
    [Fact]
    public void DefaultsAreValid() => Assert.Empty(new SessionOptions().Validate());

    [Fact]
    public void EveryInvalidSettingIsReportedAtOnce()
    {
        var options = new SessionOptions { IntraOpThreads = -1, InterOpThreads = -2, CudaDeviceId = -1, GraphOptimizationLevel = (GraphOptimizationLevel)42 };
        Assert.Equal(4, options.Validate().Count);
        var error = Assert.Throws<ArgumentException>(() => new InferenceSession(Paths.Fixture("linear.onnx"), options));
        Assert.Contains("IntraOpThreads", error.Message);
        Assert.Contains("InterOpThreads", error.Message);
        Assert.Contains("CudaDeviceId", error.Message);
        Assert.Contains("GraphOptimizationLevel", error.Message);
    }

    [Theory]
    [InlineData(true, GraphOptimizationLevel.All, ExecutionMode.Sequential)]
    [InlineData(false, GraphOptimizationLevel.DisableAll, ExecutionMode.Parallel)]
    [InlineData(false, GraphOptimizationLevel.Layout, ExecutionMode.Sequential)]
    public void EverySettingIsAcceptedByOrt(bool spinning, GraphOptimizationLevel level, ExecutionMode mode)
    {
        var options = new SessionOptions { IntraOpThreads = 2, InterOpThreads = 2, AllowSpinning = spinning, GraphOptimizationLevel = level, ExecutionMode = mode };
        using var session = new InferenceSession(Paths.Fixture("linear.onnx"), options);
        Assert.Equal([-3.5f, 1f], session.RunFloat("x", [1, 2, 3], [1, 3], "y", out _));
    }

    [Fact]
    public void CudaWithoutTheCudaBuildFailsSayingWhatIsMissing()
    {
        var options = new SessionOptions { ExecutionProvider = ExecutionProvider.Cuda, CudaDeviceId = 1 };
        var error = Assert.Throws<OnnxRuntimeException>(() => new InferenceSession(Paths.Fixture("linear.onnx"), options));
        Assert.Equal(OrtErrorCode.Fail, error.ErrorCode);
        Assert.Contains("CUDA execution provider (device 1) could not be enabled", error.Message);
        Assert.Contains("Failed to load library", error.Message); // ORT's own reason
        Assert.Contains("libonnxruntime_providers_shared.so", error.Message);
        Assert.Contains("CUDA-enabled ONNX Runtime build", error.Message);
        Assert.Contains("cuDNN", error.Message);
        Assert.Contains("ENSEMBLEGRPC_ORT_LIBRARY", error.Message);
        Assert.Contains("libonnxruntime_providers_shared.so", error.NativeMessage);
    }
}
