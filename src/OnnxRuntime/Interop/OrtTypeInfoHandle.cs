namespace EnsembleGrpc.OnnxRuntime.Interop;

/// <summary>Owns an <c>OrtTypeInfo*</c>; released with <c>ReleaseTypeInfo</c>.</summary>
internal sealed unsafe class OrtTypeInfoHandle : OrtHandle
{
    public OrtTypeInfoHandle()
    {
    }

    public OrtTypeInfoHandle(nint value)
    {
        SetHandle(value);
    }

    protected override bool ReleaseHandle()
    {
        OrtApi.Loaded.ReleaseTypeInfo(handle);
        return true;
    }
}
