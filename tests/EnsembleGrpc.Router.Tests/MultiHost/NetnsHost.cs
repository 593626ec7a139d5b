namespace EnsembleGrpc.Router.Tests.MultiHost;

/// <summary>
/// One emulated host: a network namespace whose <c>eth0</c> is one end of a veth pair, the other end (<see cref="HubLink"/>)
/// a port of the topology's private bridge.
/// </summary>
/// <param name="Role">The short name the test uses ("router", "h1").</param>
/// <param name="Namespace">The namespace's name, unique to this test process.</param>
/// <param name="Address">The host's IPv4 address on the bridge.</param>
/// <param name="HubLink">The bridge-side end of its veth pair, in the hub namespace.</param>
internal sealed record NetnsHost(string Role, string Namespace, string Address, string HubLink);
