using System.Buffers;
using System.Runtime.InteropServices;

namespace EnsembleGrpc.Router.Preprocessing;

/// <summary>
/// The first <c>length</c> values of a float array seen as their bytes, without a copy: the raw contents a worker call sends are the model input itself.
/// (A copy cost a second array of the same size per request, and per micro-batch one of up to 200 KB on the large
/// object heap, which only full collections free: under overload it grew the process by tens of MiB.)
/// The bytes are the machine's: little-endian, as the protocol's raw contents are, on every platform .NET runs the
/// router on (the copy it replaces was the same bytes).
/// </summary>
internal sealed class FloatBytesMemory(float[] values, int length) : MemoryManager<byte>
{
    public override Span<byte> GetSpan() => MemoryMarshal.AsBytes(values.AsSpan(0, length));

    public override unsafe MemoryHandle Pin(int elementIndex = 0)
    {
        var handle = GCHandle.Alloc(values, GCHandleType.Pinned);
        return new MemoryHandle((byte*)handle.AddrOfPinnedObject() + elementIndex, handle, this);
    }

    // The handle given to MemoryHandle is freed by its Dispose; nothing else to undo.
    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
