namespace EnsembleGrpc.OnnxRuntime.Interop;

/// <summary>Owns an <c>OrtCUDAProviderOptionsV2*</c>; released with <c>ReleaseCudaProviderOptions</c>.</summary>
internal sealed unsafe class OrtCudaProviderOptionsHandle : OrtHandle
{
    public OrtCudaProviderOptionsHandle()
    {
    }

    public OrtCudaProviderOptionsHandle(nint value)
    {
        SetHandle(value);
    }

    protected override bool ReleaseHandle()
    {
        OrtApi.Loaded.ReleaseCudaProviderOptions(handle);
        return true;
    }
}
