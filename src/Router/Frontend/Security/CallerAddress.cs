using System.Net;

namespace EnsembleGrpc.Router.Frontend.Security;

/// <summary>
/// The address a caller is limited by: the IP of a gRPC peer string without its port (a client opens a new
/// connection, and port, at will), IPv4-mapped IPv6 written as IPv4. Peers of other kinds are kept whole.
/// </summary>
public static class CallerAddress
{
    /// <param name="peer">As <c>ServerCallContext.Peer</c> gives it: <c>ipv4:10.0.0.1:5000</c>, <c>ipv6:[::1]:5000</c>.</param>
    public static string FromPeer(string? peer)
    {
        if (string.IsNullOrEmpty(peer))
        {
            return "unknown";
        }

        var span = peer.AsSpan();
        int colon = span.IndexOf(':');
        var rest = colon >= 0 && (span.StartsWith("ipv4:") || span.StartsWith("ipv6:")) ? span[(colon + 1)..] : span;
        ReadOnlySpan<char> host;
        if (rest.StartsWith("["))
        {
            int end = rest.IndexOf(']');
            host = end > 0 ? rest[1..end] : rest;
        }
        else
        {
            int last = rest.LastIndexOf(':');
            host = last > 0 && rest.IndexOf(':') == last ? rest[..last] : rest;
        }

        if (!IPAddress.TryParse(host, out var address))
        {
            return peer;
        }

        return (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
    }

    /// <summary>The same key for an HTTP caller (<c>HttpContext.Connection.RemoteIpAddress</c>), so one address is one caller on every port.</summary>
    public static string FromAddress(IPAddress? address) =>
        address is null ? "unknown" : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
}
