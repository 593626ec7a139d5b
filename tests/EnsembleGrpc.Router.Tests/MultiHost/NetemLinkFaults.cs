using System.Globalization;
using System.Text.RegularExpressions;
using EnsembleGrpc.Router.Tests.Support;

namespace EnsembleGrpc.Router.Tests.MultiHost;

/// <summary>
/// The faults with <c>tc netem</c>, on both ends of the host's veth pair (the host's <c>eth0</c> and its bridge port);
/// the delay on the host's end only, so it is added once per round trip.
/// </summary>
internal sealed partial class NetemLinkFaults(NetnsTopology topology) : ILinkFaults
{
    public string Describe(LinkFaultKind kind) => kind switch
    {
        LinkFaultKind.Delay => "netem delay 50ms (host's egress)",
        LinkFaultKind.Loss => "netem loss 5% (both ways)",
        _ => "netem loss 100% (both ways)",
    };

    public Task ApplyAsync(NetnsHost host, LinkFaultKind kind)
    {
        foreach (var (ns, dev, hostSide) in Ends(host))
        {
            string[] qdisc = kind switch
            {
                LinkFaultKind.Delay => hostSide ? ["netem", "delay", "50ms"] : [],
                LinkFaultKind.Loss => ["netem", "loss", "5%"],
                _ => ["netem", "loss", "100%"],
            };
            if (qdisc.Length > 0)
            {
                ExternalCommand.Run("ip", ["netns", "exec", ns, "tc", "qdisc", "replace", "dev", dev, "root", .. qdisc]);
            }
        }

        return Task.CompletedTask;
    }

    public Task<LinkFaultEffect> ClearAsync(NetnsHost host)
    {
        var (sent, dropped) = Counters(host);
        foreach (var (ns, dev, _) in Ends(host))
        {
            ExternalCommand.TryRun("ip", "netns", "exec", ns, "tc", "qdisc", "del", "dev", dev, "root");
        }

        return Task.FromResult(new LinkFaultEffect(dropped + sent, dropped, $"{dropped}/{dropped + sent} pkts dropped"));
    }

    public long PacketsSeen(NetnsHost host)
    {
        var (sent, dropped) = Counters(host);
        return sent + dropped;
    }

    /// <summary>The packets the qdiscs on both ends sent and dropped.</summary>
    private (long Sent, long Dropped) Counters(NetnsHost host)
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
        }

        return (sent, dropped);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private IEnumerable<(string Namespace, string Device, bool HostSide)> Ends(NetnsHost host)
    {
        yield return (host.Namespace, "eth0", true);
        yield return (topology.HubNamespace, host.HubLink, false);
    }

    [GeneratedRegex(@"Sent \d+ bytes (\d+) pkt \(dropped (\d+)")]
    private static partial Regex QdiscCounters();
}
