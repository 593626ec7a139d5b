namespace EnsembleGrpc.OnnxRuntime.Interop;

/// <summary>Owns an <c>OrtValue*</c>; released with <c>ReleaseValue</c>.</summary>
internal sealed unsafe class OrtValueHandle : OrtHandle
{
    public OrtValueHandle()
    {
    }

    public OrtValueHandle(nint value)
    {
        SetHandle(value);
    }

    protected override bool ReleaseHandle()
    {
        OrtApi.Loaded.ReleaseValue(handle);
        return true;
    }
}
