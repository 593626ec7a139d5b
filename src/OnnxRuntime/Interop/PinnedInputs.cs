using System.Buffers;
using System.Runtime.CompilerServices;

namespace EnsembleGrpc.OnnxRuntime.Interop;

/// <summary>
/// Pins for up to <see cref="Capacity"/> inputs, kept on the stack so a multi-input run allocates nothing
/// (a <see cref="MemoryHandle"/> holds an object reference, so it cannot be stackalloc'ed).
/// </summary>
[InlineArray(Capacity)]
internal struct PinnedInputs
{
    public const int Capacity = 16;

    private MemoryHandle _element;
}
