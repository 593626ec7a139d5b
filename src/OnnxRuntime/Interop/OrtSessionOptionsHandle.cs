namespace EnsembleGrpc.OnnxRuntime.Interop;

/// <summary>Owns an <c>OrtSessionOptions*</c>; released with <c>ReleaseSessionOptions</c>.</summary>
internal sealed unsafe class OrtSessionOptionsHandle : OrtHandle
{
    public OrtSessionOptionsHandle()
    {
    }

    public OrtSessionOptionsHandle(nint value)
    {
        SetHandle(value);
    }

    protected override bool ReleaseHandle()
    {
        OrtApi.Loaded.ReleaseSessionOptions(handle);
        return true;
    }
}
