using System.Net;
using System.Net.Sockets;

namespace EnsembleGrpc.Hosting.Cli;

/// <summary>
/// Checks that a listen address is free before a server starts, so a taken port ends the process with one line
/// instead of the host's "Hosting failed to start" stack trace (and before a worker loads its models or a router
/// warms its members). Binding is then left to Kestrel; a port taken in between still fails there, and
/// <see cref="GrpcKestrel.IsAddressInUse"/> recognises it.
/// </summary>
public static class ListenProbe
{
    /// <summary>True when binding <paramref name="endpoint"/> fails because the address is in use; false for port 0.</summary>
    public static bool IsInUse(IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (endpoint.Port == 0)
        {
            return false;
        }

        // The same socket options Kestrel's listener gets (dual mode for [::]), so the probe fails exactly when Kestrel would.
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (endpoint.Address.Equals(IPAddress.IPv6Any))
        {
            socket.DualMode = true;
        }

        try
        {
            socket.Bind(endpoint);
            return false;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return true;
        }
        catch (SocketException)
        {
            // Another problem (an address not on this machine, no permission): Kestrel reports it with its own words.
            return false;
        }
    }
}
