namespace EnsembleGrpc.OnnxRuntime.Interop;

/// <summary>Owns an <c>OrtEnv*</c>; released with <c>ReleaseEnv</c>.</summary>
internal sealed unsafe class OrtEnvHandle : OrtHandle
{
    public OrtEnvHandle()
    {
    }

    public OrtEnvHandle(nint value)
    {
        SetHandle(value);
    }

    protected override bool ReleaseHandle()
    {
        OrtApi.Loaded.ReleaseEnv(handle);
        return true;
    }
}
