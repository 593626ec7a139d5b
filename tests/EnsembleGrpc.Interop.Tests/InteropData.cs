namespace EnsembleGrpc.Interop.Tests;

/// <summary>Values both directions use, so a mangled byte shows up as a plain inequality.</summary>
internal static class InteropData
{
    /// <summary>UTF-8 beyond Latin-1, a literal '%' (must survive percent-encoding), a tab and quotes.</summary>
    public const string NonAsciiMessage = "Modell ungültig — 模型 %percent% \u00e9\u00e8\t\"quoted\"";

    public const string StreamErrorMessage = "Strom gerissen — 流 ✗";

    public static readonly byte[] BinaryValue = [0, 1, 2, 0x7F, 0x80, 0xFE, 0xFF];

    /// <summary>A long bound for calls that are expected to complete: a hang fails instead of blocking the run.</summary>
    public static DateTime LongDeadline => DateTime.UtcNow.AddSeconds(30);

    public static byte[] Pattern(int size)
    {
        var bytes = new byte[size];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i * 31 + 7);
        }

        return bytes;
    }
}
