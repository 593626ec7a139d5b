namespace EnsembleGrpc.OnnxRuntime.Interop;

/// <summary>Owns an <c>OrtSession*</c>; released with <c>ReleaseSession</c>.</summary>
internal sealed unsafe class OrtSessionHandle : OrtHandle
{
    public OrtSessionHandle()
    {
    }

    public OrtSessionHandle(nint value)
    {
        SetHandle(value);
    }

    protected override bool ReleaseHandle()
    {
        OrtApi.Loaded.ReleaseSession(handle);
        return true;
    }
}
