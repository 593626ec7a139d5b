namespace EnsembleGrpc.OnnxRuntime.Interop;

/// <summary>Owns an <c>OrtTensorTypeAndShapeInfo*</c>; released with <c>ReleaseTensorTypeAndShapeInfo</c>.</summary>
internal sealed unsafe class OrtTensorTypeAndShapeInfoHandle : OrtHandle
{
    public OrtTensorTypeAndShapeInfoHandle()
    {
    }

    public OrtTensorTypeAndShapeInfoHandle(nint value)
    {
        SetHandle(value);
    }

    protected override bool ReleaseHandle()
    {
        OrtApi.Loaded.ReleaseTensorTypeAndShapeInfo(handle);
        return true;
    }
}
