using System.Runtime.InteropServices;

namespace EnsembleGrpc.OnnxRuntime.Interop;

/// <summary>
/// Base for the SafeHandles over long-lived ORT objects: ref counting keeps an object alive while a call uses it
/// (e.g. <c>Run</c> racing <c>Dispose</c>), and the release runs exactly once.
/// </summary>
internal abstract class OrtHandle : SafeHandle
{
    protected OrtHandle()
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;
}
