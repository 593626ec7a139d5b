namespace EnsembleGrpc.OnnxRuntime.Interop;

/// <summary>Owns an <c>OrtMemoryInfo*</c>; released with <c>ReleaseMemoryInfo</c>.</summary>
internal sealed unsafe class OrtMemoryInfoHandle : OrtHandle
{
    public OrtMemoryInfoHandle()
    {
    }

    public OrtMemoryInfoHandle(nint value)
    {
        SetHandle(value);
    }

    protected override bool ReleaseHandle()
    {
        OrtApi.Loaded.ReleaseMemoryInfo(handle);
        return true;
    }
}
