using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace EnsembleGrpc.InferenceServer.Execution;

/// <summary>Session options from the worker's settings, shared by the executor factory and the benchmark.</summary>
public static class OrtSessionOptions
{
    /// <summary>
    /// Threads and spinning from <paramref name="settings"/>, and the CUDA provider first when
    /// <paramref name="device"/> is <c>cuda:N</c> (ONNX Runtime keeps the CPU provider for what CUDA cannot run).
    /// </summary>
    /// <exception cref="OnnxRuntimeException">The CUDA provider cannot load.</exception>
    public static SessionOptions Create(ExecutionSettings settings, ExecutionDevice device)
    {
        var options = new SessionOptions
        {
            IntraOpNumThreads = settings.IntraOpThreads,
            InterOpNumThreads = settings.InterOpThreads,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        try
        {
            var spinning = settings.AllowSpinning ? "1" : "0";
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", spinning);
            options.AddSessionConfigEntry("session.inter_op.allow_spinning", spinning);
            if (device.Kind == ExecutionDeviceKind.Cuda)
            {
                CudaProvider.Append(options, device.DeviceId);
            }

            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }
}
