using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EnsembleGrpc.Router.Tests.MultiHost;

/// <summary>
/// The round trip to a host as a TCP connect measures it (a SYN there, a SYN-ACK back), from this process: the median
/// of a few, so that one scheduling hiccup of a busy machine does not count.
/// </summary>
internal static class ConnectLatency
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    public static async Task<double> MedianMsAsync(string address, int port, int samples = 9)
    {
        var times = new double[samples];
        for (int i = 0; i < samples; i++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var timeout = new CancellationTokenSource(Limit);
            var watch = Stopwatch.StartNew();
            await socket.ConnectAsync(IPAddress.Parse(address), port, timeout.Token);
            times[i] = watch.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        return times[samples / 2];
    }
}
