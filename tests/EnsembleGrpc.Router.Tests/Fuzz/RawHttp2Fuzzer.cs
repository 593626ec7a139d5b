using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace EnsembleGrpc.Router.Tests.Fuzz;

/// <summary>
/// Raw HTTP/2 on a TCP socket: the client preface and an empty SETTINGS frame, then seeded random frames (any type,
/// flags, stream id, payload; now and then a length over the frame size limit, a header block of random HPACK bytes).
/// Each connection ends when the server closes it or after a short wait; the tally says which.
/// </summary>
internal static class RawHttp2Fuzzer
{
    private static readonly byte[] Preface = Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    private static readonly TimeSpan Wait = TimeSpan.FromMilliseconds(500);

    /// <summary>One connection's random frames; "closed by server" or "left open" (the server waits for more).</summary>
    public static async Task<string> RunConnectionAsync(int port, Random random)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        var stream = tcp.GetStream();
        try
        {
            await stream.WriteAsync(Preface);
            await stream.WriteAsync(Frame(4, 0, 0, []));
            int frames = 1 + random.Next(6);
            for (int i = 0; i < frames; i++)
            {
                await stream.WriteAsync(RandomFrame(random));
            }

            using var deadline = new CancellationTokenSource(Wait);
            var buffer = new byte[16384];
            while (await stream.ReadAsync(buffer, deadline.Token) > 0)
            {
            }

            return "closed by server";
        }
        catch (OperationCanceledException)
        {
            return "left open";
        }
        catch (IOException)
        {
            return "closed by server";
        }
    }

    private static byte[] RandomFrame(Random random)
    {
        byte type = (byte)random.Next(12);
        byte flags = (byte)random.Next(256);
        int streamId = new[] { 0, 1, 1, 3, 2, int.MaxValue }[random.Next(6)];
        byte[] payload = ByteMutator.RandomBytes(random, random.Next(120));
        if (type == 1 && random.Next(2) == 0)
        {
            flags |= 0x4; // END_HEADERS: the random bytes are decoded as HPACK.
        }

        byte[] frame = Frame(type, flags, streamId, payload);
        if (random.Next(8) == 0)
        {
            // A length prefix that lies: up to 16 MiB, over the 16 KiB frame size the server announced.
            int declared = random.Next(2) == 0 ? 0xFFFFFF : 16385 + random.Next(100000);
            frame[0] = (byte)(declared >> 16);
            frame[1] = (byte)(declared >> 8);
            frame[2] = (byte)declared;
        }

        return frame;
    }

    private static byte[] Frame(byte type, byte flags, int streamId, byte[] payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), streamId & int.MaxValue);
        payload.CopyTo(frame, 9);
        return frame;
    }
}
