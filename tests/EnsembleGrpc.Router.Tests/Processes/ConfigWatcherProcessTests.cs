using EnsembleGrpc.Protocol;
using EnsembleGrpc.Protocol.Admin;
using Xunit.Abstractions;

namespace EnsembleGrpc.Router.Tests.Processes;

/// <summary>
/// The router process's own file watcher (every other test host runs with <c>--watch false</c>): the routing file
/// rewritten in place, copied over, turned into a ConfigMap mount, and updated by the ConfigMap's <c>..data</c> swap.
/// Each change goes live once, as one new version, and none is reported as an error on the way.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class ConfigWatcherProcessTests(ProcessCluster cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task Rewrites_copies_and_a_ConfigMap_data_swap_each_go_live_without_a_spurious_error()
    {
        var changes = new (string Tag, Action<string> Change)[]
        {
            ("v2", tag => cluster.Routing.WritePlain(tag)),
            ("v3", cluster.Routing.CopyOver),
            ("v4", cluster.Routing.ToConfigMap),
            ("v5", cluster.Routing.SwapData),
        };
        string previous = "v1";
        foreach (var (tag, change) in changes)
        {
            long version = (await cluster.Admin.GetConfigAsync(new GetConfigRequest())).Version;
            change(tag);
            await cluster.Router.WaitForLineAsync(l => l.Contains($"reloaded; version {version + 1} is active", StringComparison.Ordinal));

            var config = await cluster.Admin.GetConfigAsync(new GetConfigRequest());
            output.WriteLine($"{tag}: version {config.Version}");
            Assert.Contains($"watched_{tag}", config.ConfigJson, StringComparison.Ordinal);
            Assert.DoesNotContain($"watched_{previous}", config.ConfigJson, StringComparison.Ordinal);
            Assert.True((await cluster.Client.ModelReadyAsync(new ModelReadyRequest { Name = $"watched_{tag}" })).Ready);
            previous = tag;
        }

        Assert.DoesNotContain(cluster.Router.Output, l => l.Contains("was NOT reloaded", StringComparison.Ordinal));
    }
}
