using System.Runtime.InteropServices;
using System.Text;

namespace EnsembleGrpc.OnnxRuntime.Interop;

/// <summary>The C API's strings: NUL-terminated UTF-8.</summary>
internal static unsafe class Utf8
{
    public static byte[] Encode(string value)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        return bytes;
    }

    public static string Decode(byte* value) => Marshal.PtrToStringUTF8((nint)value) ?? "";
}
