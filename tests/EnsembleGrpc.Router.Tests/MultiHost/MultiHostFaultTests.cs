using System.Diagnostics;
using System.Globalization;
using EnsembleGrpc.Datasets;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Protocol.Admin;
using EnsembleGrpc.Router.Tests.Functional;
using EnsembleGrpc.Router.Tests.Support;
using Xunit.Abstractions;

namespace EnsembleGrpc.Router.Tests.MultiHost;

/// <summary>
/// Worker hosts in network namespaces behind a router in its own, and faults on one worker host's link (delay, loss,
/// partition): the router balances mnist_cnn_1 over its two replicas, ejects the faulty one and keeps answering, every
/// request with a full or a flagged answer. The table of full, degraded and failed requests per phase is printed, with
/// what each fault measurably did (the added round trip, the packets dropped), and the test checks that too: a fault
/// that did nothing would let it pass for the wrong reason.
/// </summary>
public sealed class MultiHostFaultTests(ITestOutputHelper output)
{
    private const int PhaseRequests = 150;

    // The loss phase runs longer so that its drop rate is measured over enough packets to be checked (500 to 1000 here
    // when the router keeps the host in; a router that ejects it, rightly, for its retransmission stalls sends it far
    // fewer, 144 in one CI run, so the phase then goes on until the fault has seen LossMinPackets).
    private const int LossPhaseRequests = 600;

    // From this many packets on, the band below excludes a drop rate of 0: a loss that dropped nothing fails.
    private const int LossMinPackets = 320;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    [NetnsFact]
    public async Task With_faults_on_one_hosts_link_the_router_ejects_it_and_keeps_answering()
    {
        await using var cluster = await MultiHostCluster.StartAsync();
        await using var faults = LinkFaults.Create(cluster.Topology);
        var h2 = cluster.Topology["h2"];
        var input = EgdsDataset.Load(Path.Combine(RepoPaths.Models, "data", "mnist-test.bin")).ToModelInput(0, 1);
        var request = InferenceCalls.Fp32("mnist", input, 1);
        var reports = new List<PhaseReport>();
        var effects = new Dictionary<LinkFaultKind, LinkFaultEffect>();

        double connectBefore = await ConnectLatency.MedianMsAsync(h2.Address, MultiHostCluster.WorkerPort);
        reports.Add(await PhaseAsync(cluster, "baseline", "none", request, None, Ms("h2 connect", connectBefore)));
        double connectDelayed = 0;
        foreach (var kind in new[] { LinkFaultKind.Delay, LinkFaultKind.Loss, LinkFaultKind.Partition })
        {
            await faults.ApplyAsync(h2, kind);
            if (kind == LinkFaultKind.Delay)
            {
                connectDelayed = await ConnectLatency.MedianMsAsync(h2.Address, MultiHostCluster.WorkerPort);
            }

            int ejectionsBefore = Ejections(cluster);
            // The partition phase goes on until the router has ejected the host, the loss phase until the fault has seen
            // enough of the host's packets to measure its drop rate (both bounded by Patience).
            Func<Task<bool>> more = kind switch
            {
                LinkFaultKind.Partition => () => Task.FromResult(Ejections(cluster) == ejectionsBefore),
                LinkFaultKind.Loss => () => Task.FromResult(faults.PacketsSeen(h2) < LossMinPackets),
                _ => None,
            };
            int requests = kind == LinkFaultKind.Loss ? LossPhaseRequests : PhaseRequests;
            var report = await PhaseAsync(cluster, kind.ToString().ToLowerInvariant(), faults.Describe(kind), request, more, "", requests);
            effects[kind] = await faults.ClearAsync(h2);
            string connect = kind == LinkFaultKind.Delay ? Ms("; h2 connect", connectDelayed) : "";
            reports.Add(report with { Link = effects[kind].Detail + connect });
        }

        // After the partition: traffic until the router readmits the host (a probe answered in time), then a clean phase.
        int readmitted = Lines(cluster, "readmitted").Count();
        reports.Add(await PhaseAsync(cluster, "recovery", "none (healed)", request, () => Task.FromResult(Lines(cluster, "readmitted").Count() == readmitted), "-"));
        reports.Add(await PhaseAsync(cluster, "healed", "none", request, None, "-"));

        output.WriteLine($"multi-host faults on h2 ({cluster.FaultyEndpoint}, a replica of mnist_cnn_1); {ClosedLoopTraffic.Callers} callers, quorum 2, partial_after_ms 100");
        output.WriteLine(PhaseReport.Header);
        reports.ForEach(r => output.WriteLine(r.ToString()));
        // The router's own words on why it ejected h2: in a partition, calls that timed out (silence), not refusals.
        Lines(cluster, "ejected for", "readmitted").ToList().ForEach(output.WriteLine);

        AssertFaultsWereReal(connectDelayed - connectBefore, effects);
        Assert.All(reports, r => Assert.Equal((r.Phase, 0), (r.Phase, r.Failed)));
        // The slow replica gets fewer calls (power of two choices by calls in flight; a balanced pair is near 50%).
        Assert.InRange(reports.Single(r => r.Phase == "delay").FaultyShare, 0, 0.35);
        Assert.True(reports.Single(r => r.Phase == "partition").Ejections > 0, "the partitioned host was never ejected");
        Assert.True(reports.Single(r => r.Phase == "healed").FaultyShare > 0, "the healed host got no calls again");
        Assert.All(reports.Where(r => r.Phase is "baseline" or "healed"), r => Assert.InRange(r.FaultyShare, 0.2, 0.8));
    }

    /// <summary>
    /// The faults did what they are named for: a round trip about 50 ms longer, a drop rate within four standard
    /// deviations of 5% over the packets seen, and a partition that swallowed packets.
    /// </summary>
    private static void AssertFaultsWereReal(double addedConnectMs, Dictionary<LinkFaultKind, LinkFaultEffect> effects)
    {
        Assert.InRange(addedConnectMs, 40, 200);
        var loss = effects[LinkFaultKind.Loss];
        Assert.True(loss.Packets >= LossMinPackets, $"the loss phase saw only {loss.Packets} packets");
        double spread = 4 * Math.Sqrt(0.05 * 0.95 / loss.Packets);
        Assert.InRange((double)loss.Dropped / loss.Packets, 0.05 - spread, 0.05 + spread);
        Assert.True(effects[LinkFaultKind.Partition].Dropped > 0, "the partition dropped nothing");
    }

    private static string Ms(string what, double ms) => string.Create(CultureInfo.InvariantCulture, $"{what} {ms:F1} ms");

    /// <summary>At least <paramref name="requests"/> requests, in rounds of 40 while <paramref name="more"/> holds.</summary>
    private static async Task<PhaseReport> PhaseAsync(MultiHostCluster cluster, string phase, string fault, ModelInferRequest request, Func<Task<bool>> more, string link, int requests = PhaseRequests)
    {
        var calls = await Calls(cluster);
        int ejections = Ejections(cluster);
        var outcomes = new List<CallOutcome>(await ClosedLoopTraffic.RunAsync(cluster.Client, request, requests));
        var watch = Stopwatch.StartNew();
        while (await more())
        {
            Assert.True(watch.Elapsed < Patience, $"{phase}: the condition to end the phase did not come within {Patience.TotalSeconds} s");
            outcomes.AddRange(await ClosedLoopTraffic.RunAsync(cluster.Client, request, 40));
        }

        var after = await Calls(cluster);
        double total = after.All - calls.All;
        return new PhaseReport(phase, fault, outcomes, total == 0 ? 0 : (after.Faulty - calls.Faulty) / total, Ejections(cluster) - ejections, link);
    }

    private static Task<bool> None() => Task.FromResult(false);

    /// <summary>mnist_cnn_1's calls answered or failed, on all its replicas and on the faulty one.</summary>
    private static async Task<(double All, double Faulty)> Calls(MultiHostCluster cluster)
    {
        var stats = await cluster.Admin.GetStatisticsAsync(new GetStatisticsRequest { Ensemble = "mnist" });
        var endpoints = stats.Ensembles[0].Members.Single(m => m.Name == "mnist_cnn_1").Endpoints;
        var faulty = endpoints.Single(e => e.Address == cluster.FaultyEndpoint);
        return (endpoints.Sum(e => (double)(e.Successes + e.Failures)), faulty.Successes + faulty.Failures);
    }

    /// <summary>The router's EndpointEjected lines about the faulty host so far.</summary>
    private static int Ejections(MultiHostCluster cluster) => Lines(cluster, "ejected for").Count();

    /// <summary>The router's log lines about the faulty host that contain one of <paramref name="texts"/>.</summary>
    private static IEnumerable<string> Lines(MultiHostCluster cluster, params string[] texts) =>
        cluster.Router.Output.Where(l => l.Contains(cluster.FaultyEndpoint, StringComparison.Ordinal) && texts.Any(t => l.Contains(t, StringComparison.Ordinal)));
}
