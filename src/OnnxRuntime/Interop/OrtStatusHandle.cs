namespace EnsembleGrpc.OnnxRuntime.Interop;

/// <summary>Owns an <c>OrtStatus*</c>; released with <c>ReleaseStatus</c>.</summary>
internal sealed unsafe class OrtStatusHandle : OrtHandle
{
    public OrtStatusHandle()
    {
    }

    public OrtStatusHandle(nint value)
    {
        SetHandle(value);
    }

    protected override bool ReleaseHandle()
    {
        OrtApi.Loaded.ReleaseStatus(handle);
        return true;
    }
}
