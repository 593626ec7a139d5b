using System.Globalization;
using System.Text.RegularExpressions;
using EnsembleGrpc.Router.Tests.Support;

namespace EnsembleGrpc.Router.Tests.MultiHost;

/// <summary>
/// Puts a <see cref="LinkFaultKind"/> on a host's link with <c>tc netem</c>, on both ends of its veth pair (the host's
/// <c>eth0</c> and the bridge port). Some kernels are built without sch_netem (a micro-VM's, for one); there each fault
/// is the nearest thing the kernel offers, and <see cref="Describe"/> says which was used: a token bucket at 400 kbit/s
/// for the delay (about 50 ms for a 3 KiB request), a token bucket with a short queue that drops what overflows for the
/// loss (its measured drop rate is reported), and the link set down for the partition.
/// </summary>
internal sealed partial class LinkFaults(NetnsTopology topology)
{
    private readonly Lazy<bool> _netem = new(() => Probe(topology));

    public bool HasNetem => _netem.Value;

    public string Describe(LinkFaultKind kind) => (kind, HasNetem) switch
    {
        (LinkFaultKind.Delay, true) => "netem delay 50ms (host's egress)",
        (LinkFaultKind.Loss, true) => "netem loss 5% (both ways)",
        (LinkFaultKind.Partition, true) => "netem loss 100% (both ways)",
        (LinkFaultKind.Delay, false) => "no sch_netem in this kernel: tbf 400kbit (≈50 ms per 3 KiB request)",
        (LinkFaultKind.Loss, false) => "no sch_netem in this kernel: tbf 4mbit with a 3 KiB queue, overflow dropped",
        (LinkFaultKind.Partition, false) => "no sch_netem in this kernel: link down (both ends)",
        _ => kind.ToString(),
    };

    public void Apply(NetnsHost host, LinkFaultKind kind)
    {
        foreach (var (ns, dev, hostSide) in Ends(host))
        {
            if (kind == LinkFaultKind.Partition && !HasNetem)
            {
                ExternalCommand.Run("ip", "-n", ns, "link", "set", dev, "down");
                continue;
            }

            string[] qdisc = (kind, HasNetem) switch
            {
                (LinkFaultKind.Delay, true) => hostSide ? ["netem", "delay", "50ms"] : [],
                (LinkFaultKind.Loss, true) => ["netem", "loss", "5%"],
                (LinkFaultKind.Partition, true) => ["netem", "loss", "100%"],
                (LinkFaultKind.Delay, false) => ["tbf", "rate", "400kbit", "burst", "1600", "latency", "2s"],
                _ => ["tbf", "rate", "4mbit", "burst", "3000", "limit", "3000"],
            };
            if (qdisc.Length > 0)
            {
                ExternalCommand.Run("ip", ["netns", "exec", ns, "tc", "qdisc", "replace", "dev", dev, "root", .. qdisc]);
            }
        }
    }

    /// <summary>Removes the fault (links up, default qdisc); returns the packets the fault's qdiscs dropped and sent.</summary>
    public (long Dropped, long Sent) Clear(NetnsHost host)
    {
        long dropped = 0, sent = 0;
        foreach (var (ns, dev, _) in Ends(host))
        {
            var (_, stats, _) = ExternalCommand.TryRun("ip", "netns", "exec", ns, "tc", "-s", "qdisc", "show", "dev", dev);
            foreach (Match m in QdiscCounters().Matches(stats))
            {
                sent += long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                dropped += long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            }

            ExternalCommand.TryRun("ip", "netns", "exec", ns, "tc", "qdisc", "del", "dev", dev, "root");
            ExternalCommand.Run("ip", "-n", ns, "link", "set", dev, "up");
        }

        return (dropped, sent);
    }

    private IEnumerable<(string Namespace, string Device, bool HostSide)> Ends(NetnsHost host)
    {
        yield return (host.Namespace, "eth0", true);
        yield return (topology.HubNamespace, host.HubLink, false);
    }

    private static bool Probe(NetnsTopology topology)
    {
        var host = topology.Hosts[0];
        var (exit, _, _) = ExternalCommand.TryRun("ip", "netns", "exec", host.Namespace, "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms");
        ExternalCommand.TryRun("ip", "netns", "exec", host.Namespace, "tc", "qdisc", "del", "dev", "lo", "root");
        return exit == 0;
    }

    [GeneratedRegex(@"Sent \d+ bytes (\d+) pkt \(dropped (\d+)")]
    private static partial Regex QdiscCounters();
}
