using Grpc.Net.Client;

namespace EnsembleGrpc.Hosting;

/// <summary>
/// Several channels (each its own HTTP/2 connection pool) to one address, taken round-robin, with a typed client built
/// once per channel. One connection serialises every call's frames through one socket; a few spread the work over
/// Kestrel's connection threads and survive the loss of one connection.
/// </summary>
public sealed class GrpcChannelSet<TClient> : IDisposable
    where TClient : class
{
    private readonly GrpcChannel[] _channels;
    private readonly TClient[] _clients;
    private int _next = -1;

    public GrpcChannelSet(string address, int connections, Func<GrpcChannel, TClient> createClient, GrpcClientSettings? settings = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(connections, 1);
        ArgumentNullException.ThrowIfNull(createClient);
        Address = address;
        _channels = new GrpcChannel[connections];
        _clients = new TClient[connections];
        for (int i = 0; i < connections; i++)
        {
            _channels[i] = GrpcChannels.Create(address, settings);
            _clients[i] = createClient(_channels[i]);
        }
    }

    public string Address { get; }

    /// <summary>How many channels (connections) the set holds.</summary>
    public int Count => _clients.Length;

    /// <summary>The next client, round-robin.</summary>
    public TClient Next()
    {
        var clients = _clients;
        if (clients.Length == 1)
        {
            return clients[0];
        }

        uint index = (uint)Interlocked.Increment(ref _next);
        return clients[index % (uint)clients.Length];
    }

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }
}
