using EnsembleGrpc.Router.Frontend.Security;

namespace EnsembleGrpc.Router.Tests.Security;

public sealed class CallerAddressTests
{
    [Theory]
    [InlineData("ipv4:127.0.0.1:50123", "127.0.0.1")]
    [InlineData("ipv4:10.1.2.3:1", "10.1.2.3")]
    [InlineData("ipv6:[::1]:50123", "::1")]
    [InlineData("ipv6:[2001:db8::7]:443", "2001:db8::7")]
    [InlineData("ipv6:[::ffff:192.0.2.5]:8000", "192.0.2.5")]
    public void The_port_is_dropped_so_new_connections_count_as_the_same_caller(string peer, string expected)
        => Assert.Equal(expected, CallerAddress.FromPeer(peer));

    [Theory]
    [InlineData("unix:/run/router.sock")]
    [InlineData("something odd")]
    public void A_peer_that_is_not_an_ip_address_is_kept_whole(string peer)
        => Assert.Equal(peer, CallerAddress.FromPeer(peer));

    [Fact]
    public void No_peer_is_one_unknown_caller() => Assert.Equal("unknown", CallerAddress.FromPeer(null));
}
