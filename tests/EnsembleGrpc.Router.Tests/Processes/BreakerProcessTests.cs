using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using EnsembleGrpc.Protocol.Admin;
using EnsembleGrpc.Router.Tests.Functional;
using Xunit.Abstractions;

namespace EnsembleGrpc.Router.Tests.Processes;

/// <summary>The member breaker against real worker processes: its failure ratio, and its half-open probe.</summary>
[Collection(ProcessClusterCollection.Name)]
public sealed partial class BreakerProcessTests(ProcessCluster cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_breaker_opens_at_the_first_failure_that_brings_the_ratio_to_half_over_at_least_eight_calls()
    {
        // The flaky worker fails 40% of its calls (seeded). The breaker's rule (failure_ratio 0.5, minimum_throughput 8,
        // checked on each failure, the window longer than the test) is replayed on what the client sees, call by call:
        // it names the one call after which every call must be refused, and none before.
        var request = InferenceCalls.Fp32("ratio", cluster.TestSet.ToModelInput(0, 1), 1);
        int calls = 0, failures = 0;
        int? openedAfter = null;
        var trace = new StringBuilder();
        for (int i = 0; i < 120 && (openedAfter is null || i <= openedAfter + 3); i++)
        {
            string reason = InferenceCalls.Str(await cluster.Client.ModelInferAsync(request), "fallback_reason");
            bool refused = reason.Contains("flaky_cnn_3: breaker_open", StringComparison.Ordinal);
            bool failed = reason.Contains("flaky_cnn_3: member_error", StringComparison.Ordinal);
            trace.Append(refused ? 'R' : failed ? 'F' : 'S');
            Assert.True(refused == openedAfter.HasValue, $"call {i}: refused={refused}, predicted open after call {openedAfter?.ToString() ?? "none"}; calls so far {trace}");
            if (!refused)
            {
                calls++;
                failures += failed ? 1 : 0;
                if (failed && calls >= 8 && 2 * failures >= calls)
                {
                    openedAfter = i;
                }
            }
        }

        output.WriteLine($"S success, F failure, R refused by the open breaker: {trace} ({failures} of {calls} calls failed)");
        Assert.NotNull(openedAfter);
        var endpoint = await Endpoint("ratio", "flaky_cnn_3");
        Assert.Equal("open", endpoint.BreakerState);
        // The endpoint's failures are the worker's errors plus the calls its open breaker refused.
        Assert.Equal((ulong)(failures + trace.ToString().Count(c => c == 'R')), endpoint.Failures);
    }

    [Fact]
    public async Task A_failed_half_open_probe_opens_the_breaker_again_and_a_successful_one_closes_it()
    {
        var request = InferenceCalls.Fp32("probe", cluster.TestSet.ToModelInput(0, 1), 1);
        string address = $"http://127.0.0.1:{cluster.KillablePort}";
        for (int i = 0; i < 3; i++)
        {
            Assert.False(InferenceCalls.Fallback(await cluster.Client.ModelInferAsync(request)));
        }

        await cluster.KillKillableAsync();
        // Connection refused on every call: open, then after each 500 ms break a probe that fails and opens it again.
        await CallUntil(request, () => Regex.IsMatch(Events(address), "OHO"), "a failed probe to re-open the breaker");
        await cluster.RestartKillableAsync();
        await CallUntil(request, () => Events(address).EndsWith("HC", StringComparison.Ordinal), "a successful probe to close the breaker");

        string events = Events(address);
        output.WriteLine($"breaker events of {address} (O opened, H half-open, C closed): {events}");
        Assert.Matches("^O(HO)+HC$", events);
        for (int i = 0; i < 3; i++)
        {
            var response = await cluster.Client.ModelInferAsync(request);
            if (InferenceCalls.Fallback(response))
            {
                var failures = (await Endpoint("probe", "mnist_cnn_2")).FailuresByKind;
                Assert.Fail($"call {i} after the breaker closed: {InferenceCalls.Str(response, "fallback_reason")}; failures by kind {string.Join(", ", failures.Select(f => $"{f.Key}={f.Value}"))}; router: {string.Join(" | ", cluster.Router.Output.TakeLast(6))}");
            }
        }

        Assert.Equal("closed", (await Endpoint("probe", "mnist_cnn_2")).BreakerState);
    }

    /// <summary>Calls back to back (each one is what moves the breaker on) until the condition holds, within a bound.</summary>
    private async Task CallUntil(EnsembleGrpc.Protocol.ModelInferRequest request, Func<bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < Patience, $"waited {Patience.TotalSeconds} s for {what}; events so far: {Events($"http://127.0.0.1:{cluster.KillablePort}")}");
            await cluster.Client.ModelInferAsync(request);
        }
    }

    /// <summary>The router's breaker log lines about one endpoint, in order, as letters.</summary>
    private string Events(string address) => string.Concat(cluster.Router.Output
        .Where(l => l.Contains("Circuit breaker of worker " + address + " ", StringComparison.Ordinal))
        .Select(l => l.Contains(" opened for ", StringComparison.Ordinal) ? 'O' : l.Contains(" is half-open", StringComparison.Ordinal) ? 'H' : 'C'));

    private async Task<EndpointStatistics> Endpoint(string ensemble, string member)
    {
        var stats = await cluster.Admin.GetStatisticsAsync(new GetStatisticsRequest { Ensemble = ensemble });
        return stats.Ensembles[0].Members.Single(m => m.Name == member).Endpoints.Single();
    }
}
