using System.Globalization;
using System.Text.RegularExpressions;
using EnsembleGrpc.Router.Tests.Support;

namespace EnsembleGrpc.Router.Tests.MultiHost;

/// <summary>
/// A private network of Linux network namespaces: a hub namespace holding a bridge, one namespace per host with a veth
/// pair onto that bridge, and one more veth from the bridge into this process's namespace, so the test (the client)
/// reaches the hosts without any routing or forwarding in the machine's own network. Names carry this process's id
/// (<c>egn&lt;pid&gt;-&lt;role&gt;</c>), so concurrent runs in other worktrees never collide, and a run that died
/// without cleaning up is recognised by its dead pid and removed by the next one.
/// </summary>
internal sealed partial class NetnsTopology : IDisposable
{
    private const string Prefix = "egn";

    private readonly string _hub;
    private readonly string _clientLink;
    private readonly List<NetnsHost> _hosts = [];

    private NetnsTopology(string subnet)
    {
        int pid = Environment.ProcessId;
        _hub = $"{Prefix}{pid}-hub";
        _clientLink = $"{Prefix}{pid}";
        Subnet = subnet;
        ClientAddress = subnet + "1";
    }

    /// <summary>The first three octets and a dot, e.g. "10.213.7.".</summary>
    public string Subnet { get; }

    /// <summary>The namespace holding the bridge and the bridge-side ends of the veth pairs.</summary>
    public string HubNamespace => _hub;

    /// <summary>This process's address on the bridge.</summary>
    public string ClientAddress { get; }

    public IReadOnlyList<NetnsHost> Hosts => _hosts;

    public NetnsHost this[string role] => _hosts.Single(h => h.Role == role);

    /// <summary>Why namespaces cannot be used here (not root, no iproute2, no permission), or null when they can.</summary>
    public static string? Unsupported()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "network namespaces need Linux";
        }

        if (Environment.UserName != "root" && ExternalCommand.TryRun("id", "-u").Output.Trim() != "0")
        {
            return "creating network namespaces needs root";
        }

        string probe = $"{Prefix}{Environment.ProcessId}-probe";
        var (exit, _, error) = ExternalCommand.TryRun("ip", "netns", "add", probe);
        if (exit != 0)
        {
            return $"'ip netns add' failed here (iproute2 missing or no permission): {error.Trim()}";
        }

        try
        {
            // The kernel must also offer what the topology is made of: a bridge and veth pairs.
            (string What, string[] Args)[] needs =
            [
                ("a bridge", ["-n", probe, "link", "add", "br0", "type", "bridge"]),
                ("a veth pair", ["-n", probe, "link", "add", "probe0", "type", "veth", "peer", "name", "probe1"]),
            ];
            foreach (var (what, args) in needs)
            {
                var (failed, _, why) = ExternalCommand.TryRun("ip", args);
                if (failed != 0)
                {
                    return $"cannot create {what} in a namespace: {why.Trim()}";
                }
            }

            return null;
        }
        finally
        {
            ExternalCommand.TryRun("ip", "netns", "del", probe);
        }
    }

    /// <summary>Builds the bridge and one host per role, hosts numbered .2, .3, ... in order; the client is .1.</summary>
    public static NetnsTopology Create(params string[] roles)
    {
        RemoveLeftovers();
        var topology = new NetnsTopology(FreeSubnet());
        try
        {
            topology.Build(roles);
            return topology;
        }
        catch
        {
            topology.Dispose();
            throw;
        }
    }

    /// <summary>Kills what still runs in the namespaces (processes this test started) and deletes them.</summary>
    public void Dispose()
    {
        foreach (var name in _hosts.Select(h => h.Namespace).Append(_hub))
        {
            Delete(name);
        }

        // Deleting the hub removes the veth pairs with it; this is only for a hub that could not be created.
        ExternalCommand.TryRun("ip", "link", "del", _clientLink);
    }

    private void Build(string[] roles)
    {
        ExternalCommand.Run("ip", "netns", "add", _hub);
        ExternalCommand.Run("ip", "-n", _hub, "link", "add", "br0", "type", "bridge");
        ExternalCommand.Run("ip", "-n", _hub, "link", "set", "br0", "up");
        for (int i = 0; i < roles.Length; i++)
        {
            var host = new NetnsHost(roles[i], $"{Prefix}{Environment.ProcessId}-{roles[i]}", Subnet + (i + 2).ToString(CultureInfo.InvariantCulture), "p-" + roles[i]);
            _hosts.Add(host);
            ExternalCommand.Run("ip", "netns", "add", host.Namespace);
            ExternalCommand.Run("ip", "-n", _hub, "link", "add", host.HubLink, "type", "veth", "peer", "name", "eth0", "netns", host.Namespace);
            ExternalCommand.Run("ip", "-n", _hub, "link", "set", host.HubLink, "master", "br0", "up");
            ExternalCommand.Run("ip", "-n", host.Namespace, "addr", "add", host.Address + "/24", "dev", "eth0");
            ExternalCommand.Run("ip", "-n", host.Namespace, "link", "set", "eth0", "up");
            ExternalCommand.Run("ip", "-n", host.Namespace, "link", "set", "lo", "up");
        }

        string pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        ExternalCommand.Run("ip", "-n", _hub, "link", "add", "p-client", "type", "veth", "peer", "name", _clientLink, "netns", pid);
        ExternalCommand.Run("ip", "-n", _hub, "link", "set", "p-client", "master", "br0", "up");
        ExternalCommand.Run("ip", "addr", "add", ClientAddress + "/24", "dev", _clientLink);
        ExternalCommand.Run("ip", "link", "set", _clientLink, "up");
    }

    /// <summary>A 10.x.y.0/24 that no route of this machine uses yet, derived from the pid so concurrent runs differ.</summary>
    private static string FreeSubnet()
    {
        string routes = ExternalCommand.Run("ip", "-4", "route", "show", "table", "all");
        int pid = Environment.ProcessId;
        for (int attempt = 0; attempt < 256; attempt++)
        {
            string subnet = $"10.{200 + (pid % 50)}.{(pid / 50 + attempt) % 256}.";
            if (!routes.Contains(subnet, StringComparison.Ordinal))
            {
                return subnet;
            }
        }

        throw new InvalidOperationException("no free 10.x.y.0/24 for the test network");
    }

    /// <summary>Namespaces and links of earlier runs whose process is gone (a crash, a killed test host).</summary>
    private static void RemoveLeftovers()
    {
        foreach (Match match in OwnedName().Matches(ExternalCommand.Run("ip", "netns", "list")))
        {
            if (!IsAlive(match.Groups[2].Value))
            {
                Delete(match.Groups[1].Value);
            }
        }

        foreach (Match match in OwnedLink().Matches(ExternalCommand.Run("ip", "-o", "link", "show")))
        {
            if (!IsAlive(match.Groups[1].Value))
            {
                ExternalCommand.TryRun("ip", "link", "del", Prefix + match.Groups[1].Value);
            }
        }
    }

    private static bool IsAlive(string pid) => Directory.Exists("/proc/" + pid);

    /// <summary>Kills the processes inside (only a test's own servers run there), then deletes the namespace.</summary>
    private static void Delete(string name)
    {
        var (exit, pids, _) = ExternalCommand.TryRun("ip", "netns", "pids", name);
        if (exit == 0)
        {
            foreach (var pid in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                ExternalCommand.TryRun("kill", "-KILL", pid);
            }
        }

        ExternalCommand.TryRun("ip", "netns", "del", name);
    }

    [GeneratedRegex(@"^((?:egn)(\d+)-[a-z0-9]+)\b", RegexOptions.Multiline)]
    private static partial Regex OwnedName();

    [GeneratedRegex(@"^\d+: egn(\d+)[@:]", RegexOptions.Multiline)]
    private static partial Regex OwnedLink();
}
