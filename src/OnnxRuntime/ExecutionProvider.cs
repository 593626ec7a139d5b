namespace EnsembleGrpc.OnnxRuntime;

/// <summary>Where a session runs. CUDA needs the CUDA-enabled ORT build plus CUDA and cuDNN on the machine.</summary>
public enum ExecutionProvider
{
    Cpu = 0,
    Cuda = 1,
}
