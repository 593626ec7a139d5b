using System.Globalization;
using System.Text.RegularExpressions;
using EnsembleGrpc.Router.Tests.Support;

namespace EnsembleGrpc.Router.Tests.MultiHost;

/// <summary>
/// The faults without sch_netem, from what such a kernel still has. Loss and partition are iptables DROP rules at the
/// host's bridge port (the hub's FORWARD chain, matched with physdev, through br_netfilter): a switch that loses packets,
/// so neither end learns of a drop but by silence. (A DROP in the host's own OUTPUT chain would be reported back to its
/// sending socket as EPERM, and its TCP would simply try again: not a lost packet.) Loss is the <c>statistic</c> match,
/// 5% at random, each way; the partition drops everything, and the router sees timeouts, not refusals. The delay is the
/// NFQUEUE delayer (<see cref="PacketDelayer"/>) on the host's egress (its OUTPUT chain): the kernel keeps each packet
/// queued for 50 ms and the host's sockets see nothing. The jumps into the fault's chain count the packets seen.
/// </summary>
internal sealed partial class NetfilterLinkFaults : ILinkFaults
{
    private const int DelayMs = 50;
    private const string LossProbability = "0.05";
    private const string FaultChain = "link-fault";

    private readonly NetnsTopology _topology;
    private readonly TestFiles _files = new();
    private readonly Lazy<string> _delayer;
    private readonly Dictionary<string, (LinkFaultKind Kind, PacketDelayer? Delayer)> _applied = [];

    private NetfilterLinkFaults(NetnsTopology topology)
    {
        _topology = topology;
        _delayer = new(() => PacketDelayer.Build(_files.Directory));
    }

    /// <summary>Checks the tools (failing with what is missing and the script that installs it) and turns on br_netfilter in the hub.</summary>
    public static NetfilterLinkFaults Create(NetnsTopology topology)
    {
        string[] missing = [.. Needs().Where(n => !n.Present()).Select(n => n.What)];
        if (missing.Length > 0)
        {
            throw new InvalidOperationException($"this kernel has no sch_netem, and its netfilter stand-ins need {string.Join(", ", missing)}: run scripts/ensure-netfilter.sh");
        }

        // Bridged frames pass the hub's iptables chains only with this on (the default where br_netfilter is loaded).
        ExternalCommand.Run("ip", "netns", "exec", topology.HubNamespace, "sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=1");
        return new NetfilterLinkFaults(topology);
    }

    public string Describe(LinkFaultKind kind) => kind switch
    {
        LinkFaultKind.Delay => $"no sch_netem: NFQUEUE delayer, host's egress held {DelayMs} ms",
        LinkFaultKind.Loss => "no sch_netem: iptables statistic random 5% DROP at the host's bridge port, both ways",
        _ => "no sch_netem: iptables DROP of all at the host's bridge port, both ways (black hole)",
    };

    public async Task ApplyAsync(NetnsHost host, LinkFaultKind kind)
    {
        if (kind == LinkFaultKind.Delay)
        {
            var delayer = await PacketDelayer.StartAsync(_delayer.Value, host.Namespace, DelayMs);
            _applied[host.Role] = (kind, delayer);
            Iptables(host.Namespace, "-A", "OUTPUT", "-o", "eth0", "-j", "NFQUEUE", "--queue-num", $"{PacketDelayer.Queue}");
            return;
        }

        // The drop rule goes in a chain of its own, and the jumps to it (whose counters count the packets seen) go in
        // after it: a packet is counted only where it can also be dropped, so a black hole reads N of N.
        _applied[host.Role] = (kind, null);
        string[] drop = kind == LinkFaultKind.Loss ? ["-m", "statistic", "--mode", "random", "--probability", LossProbability, "-j", "DROP"] : ["-j", "DROP"];
        Iptables(_topology.HubNamespace, "-N", FaultChain);
        Iptables(_topology.HubNamespace, ["-A", FaultChain, .. drop]);
        foreach (var direction in Directions(host))
        {
            Iptables(_topology.HubNamespace, ["-A", "FORWARD", .. direction, "-j", FaultChain]);
        }
    }

    public async Task<LinkFaultEffect> ClearAsync(NetnsHost host)
    {
        if (!_applied.Remove(host.Role, out var applied))
        {
            return new LinkFaultEffect(0, 0, "-");
        }

        if (applied.Delayer is { } delayer)
        {
            // The rule goes first: packets queued with no delayer bound are dropped.
            Iptables(host.Namespace, "-F", "OUTPUT");
            var (packets, meanHoldMs) = await delayer.StopAsync();
            await delayer.DisposeAsync();
            return new LinkFaultEffect(packets, 0, string.Create(CultureInfo.InvariantCulture, $"{packets} pkts held, mean {meanHoldMs:F1} ms"));
        }

        var (seen, dropped) = Counters();
        Iptables(_topology.HubNamespace, "-F", "FORWARD");
        Iptables(_topology.HubNamespace, "-F", FaultChain);
        Iptables(_topology.HubNamespace, "-X", FaultChain);
        string detail = applied.Kind == LinkFaultKind.Loss
            ? string.Create(CultureInfo.InvariantCulture, $"{dropped}/{seen} pkts dropped ({(seen == 0 ? 0 : (double)dropped / seen):P1})")
            : $"{dropped}/{seen} pkts black-holed";
        return new LinkFaultEffect(seen, dropped, detail);
    }

    public long PacketsSeen(NetnsHost host) => _applied.ContainsKey(host.Role) ? Counters().Seen : 0;

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, delayer) in _applied.Values)
        {
            if (delayer is not null)
            {
                await delayer.DisposeAsync();
            }
        }

        _files.Dispose();
    }

    /// <summary>The host's traffic at its bridge port: what it sends, then what it is sent.</summary>
    private static IEnumerable<string[]> Directions(NetnsHost host)
    {
        yield return ["-m", "physdev", "--physdev-in", host.HubLink];
        yield return ["-m", "physdev", "--physdev-out", host.HubLink, "--physdev-is-bridged"];
    }

    /// <summary>The packets the jumps into the fault's chain have counted, and those its drop rule dropped.</summary>
    private (long Seen, long Dropped) Counters()
    {
        long seen = 0, dropped = 0;
        foreach (Match rule in RuleCounters().Matches(Iptables(_topology.HubNamespace, "-v", "-S")))
        {
            long count = long.Parse(rule.Groups[2].Value, CultureInfo.InvariantCulture);
            if (rule.Groups[1].Value == FaultChain)
            {
                dropped += count;
            }
            else
            {
                seen += count;
            }
        }

        return (seen, dropped);
    }

    private static string Iptables(string netns, params string[] args) => ExternalCommand.Run("ip", ["netns", "exec", netns, "iptables", "-w", "5", .. args]);

    private static IEnumerable<(string What, Func<bool> Present)> Needs()
    {
        yield return ("iptables", () => ExternalCommand.TryRun("iptables", "-V").Exit == 0);
        yield return ("gcc", () => ExternalCommand.TryRun("gcc", "--version").Exit == 0);
        yield return ("libnetfilter-queue-dev", () => File.Exists("/usr/include/libnetfilter_queue/libnetfilter_queue.h"));
    }

    /// <summary>The packet counters of the jumps to the fault's chain (packets seen) and of its drop rule (dropped).</summary>
    [GeneratedRegex(@"^-A (FORWARD|link-fault) .*-c (\d+) \d+ -j (?:link-fault|DROP)$", RegexOptions.Multiline)]
    private static partial Regex RuleCounters();
}
