using System.Globalization;
using System.Text.RegularExpressions;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Tests.Shared;

namespace EnsembleGrpc.Router.Tests.MultiHost;

/// <summary>
/// The NFQUEUE delayer (<c>nfq-delay.c</c> beside this file), run in a host's namespace: every packet that the host's
/// iptables rule puts on <see cref="Queue"/> is held for the delay, in order, then accepted. It stands in for
/// <c>tc netem delay</c> where the kernel has no sch_netem.
/// </summary>
internal sealed partial class PacketDelayer : IAsyncDisposable
{
    /// <summary>The NFQUEUE number; queues belong to a namespace, so one number serves every host.</summary>
    public const int Queue = 0;

    private readonly ServerProcess _process;

    private PacketDelayer(ServerProcess process) => _process = process;

    /// <summary>Compiles the delayer into <paramref name="directory"/> with gcc; the executable's path.</summary>
    public static string Build(string directory)
    {
        string source = Path.Combine(RepoPaths.Root, "tests", "EnsembleGrpc.Router.Tests", "MultiHost", "nfq-delay.c");
        string executable = Path.Combine(directory, "nfq-delay");
        ExternalCommand.Run("gcc", "-O2", "-Wall", "-o", executable, source, "-lnetfilter_queue", "-lnfnetlink");
        return executable;
    }

    /// <summary>Starts it in <paramref name="netns"/> and returns once its queue is bound (a rule before that would drop).</summary>
    public static async Task<PacketDelayer> StartAsync(string executable, string netns, int delayMs)
    {
        var process = ServerProcess.StartProgramIn(netns, executable, $"{Queue}", delayMs.ToString(CultureInfo.InvariantCulture));
        var ready = process.WaitForLineAsync(l => l.StartsWith("ready", StringComparison.Ordinal));
        if (await Task.WhenAny(ready, process.WaitForExitAsync()) != ready)
        {
            await process.DisposeAsync();
            throw new InvalidOperationException($"nfq-delay exited before binding queue {Queue}: {string.Join(" ", process.Errors)}");
        }

        return new PacketDelayer(process);
    }

    /// <summary>SIGTERM (it accepts what it still holds); the packets it held and their mean hold in ms.</summary>
    public async Task<(long Packets, double MeanHoldMs)> StopAsync()
    {
        await _process.StopAsync();
        string? summary = _process.Output.LastOrDefault(l => l.StartsWith("held ", StringComparison.Ordinal));
        var match = Summary().Match(summary ?? "");
        return match.Success
            ? (long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture))
            : throw new InvalidOperationException($"nfq-delay stopped without its summary: {string.Join(" ", _process.Errors)}");
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    [GeneratedRegex(@"^held (\d+) packets, mean hold ([\d.]+) ms")]
    private static partial Regex Summary();
}
