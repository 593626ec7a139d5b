namespace EnsembleGrpc.InferenceServer.Execution;

/// <summary>Which execution provider the worker asks ONNX Runtime for.</summary>
public enum ExecutionDeviceKind
{
    /// <summary>CUDA when its provider loads, otherwise the CPU (with one warning saying why).</summary>
    Auto,

    Cpu,

    /// <summary>CUDA or nothing: the worker fails at start-up when the provider cannot load.</summary>
    Cuda,
}
