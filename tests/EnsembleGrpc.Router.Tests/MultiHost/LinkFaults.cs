using EnsembleGrpc.Router.Tests.Support;

namespace EnsembleGrpc.Router.Tests.MultiHost;

/// <summary>
/// Chooses how to break a link: <c>tc netem</c> where the kernel has sch_netem, else netfilter (iptables and an NFQUEUE
/// delayer), which a kernel built without sch_netem (a micro-VM's, this project's CI's) still offers.
/// </summary>
internal static class LinkFaults
{
    public static ILinkFaults Create(NetnsTopology topology) =>
        HasNetem(topology.Hosts[0]) ? new NetemLinkFaults(topology) : NetfilterLinkFaults.Create(topology);

    private static bool HasNetem(NetnsHost host)
    {
        var (exit, _, _) = ExternalCommand.TryRun("ip", "netns", "exec", host.Namespace, "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms");
        ExternalCommand.TryRun("ip", "netns", "exec", host.Namespace, "tc", "qdisc", "del", "dev", "lo", "root");
        return exit == 0;
    }
}
