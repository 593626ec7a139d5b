using EnsembleGrpc.Protocol.Admin;
using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Experiments;
using EnsembleGrpc.Router.Hosting;
using EnsembleGrpc.Router.Tests.Hosting;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Router.Traffic.Assignment;
using EnsembleGrpc.Tests.Shared;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Router.Tests.Experiments;

/// <summary>
/// A bad <c>--state</c> file does not keep the router down: it is moved aside (kept, under a name with the UTC time)
/// and the router starts on the routing file with fresh state; only a file that cannot even be moved aside stops it,
/// with one line.
/// </summary>
public sealed class CorruptExperimentStateTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 19, 5, 7, TimeSpan.Zero);

    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task A_file_of_garbage_bytes_is_moved_aside_and_the_router_serves_from_the_routing_file()
    {
        string state = Path.Combine(_files.Directory, "state.db");
        byte[] garbage = new byte[8192];
        new Random(7).NextBytes(garbage);
        File.WriteAllBytes(state, garbage);

        await AssertStartsFreshAndKeepsTheBadFile(state, garbage);
    }

    [Fact]
    public async Task A_truncated_database_is_moved_aside_and_the_router_serves_from_the_routing_file()
    {
        string state = Path.Combine(_files.Directory, "state.db");
        using (var store = new SqliteExperimentStore(state))
        {
            for (int i = 0; i < 200; i++)
            {
                store.AddFeedback("mnist", FormattableString.Invariant($"arm-{i}-{new string('x', 200)}"), 10, 5);
            }
        }

        byte[] whole = File.ReadAllBytes(state);
        Assert.True(whole.Length > 3 * 4096, "the database should span several pages");
        byte[] truncated = whole[..(whole.Length / 2)];
        File.WriteAllBytes(state, truncated);

        await AssertStartsFreshAndKeepsTheBadFile(state, truncated);
    }

    [Fact]
    public async Task A_directory_in_the_way_stops_the_router_with_one_line_and_exit_code_2()
    {
        string state = Path.Combine(_files.Directory, "state.db");
        Directory.CreateDirectory(state);
        string routing = _files.Write("routing.json", RoutingFiles.OneMember("http://127.0.0.1:1"));

        await using var router = ServerProcess.Start(
            "EnsembleGrpc.Router.dll", "--config", routing, "--state", state, "--port", "0", "--watch", "false", "--warmup", "false");

        Assert.Equal(2, await router.WaitForExitAsync());
        string error = Assert.Single(router.Errors);
        Assert.StartsWith($"error: experiment state '{state}' cannot be opened", error, StringComparison.Ordinal);
        Assert.Contains("--state none", error, StringComparison.Ordinal);
        Assert.DoesNotContain(router.Output, l => l.Contains("Exception", StringComparison.Ordinal) || l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.True(Directory.Exists(state));
    }

    private async Task AssertStartsFreshAndKeepsTheBadFile(string state, byte[] badBytes)
    {
        string routing = _files.Write("routing.json", RoutingFiles.OneMember("http://127.0.0.1:1"));
        var logs = new CapturingLoggerProvider();
        var host = RouterHost.Build(
            ["--config", routing, "--state", state, "--port", "0", "--watch", "false", "--warmup", "false", "--Logging:LogLevel:Default", "Warning"],
            services =>
            {
                services.AddSingleton<TimeProvider>(new FixedTime(Now));
                services.AddSingleton<ILoggerProvider>(logs);
            });
        await using (host)
        {
            await host.StartAsync();
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{host.Port}");
            var config = await new RouterAdmin.RouterAdminClient(channel).GetConfigAsync(new GetConfigRequest());
            Assert.NotEqual(TrafficSplitState.AdminSource, config.Source);
            Assert.Empty(host.Services.GetRequiredService<IExperimentStore>().LoadFeedback());
        }

        string aside = state + ".corrupt-20261202T190507Z";
        Assert.Equal(badBytes, File.ReadAllBytes(aside));
        using (var fresh = new SqliteExperimentStore(state))
        {
            Assert.Empty(fresh.LoadFeedback());
        }

        var warning = Assert.Single(logs.Entries, e => e.EventName == "ExperimentStateMovedAside");
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains($"'{state}'", warning.Message, StringComparison.Ordinal);
        Assert.Contains($"'{aside}'", warning.Message, StringComparison.Ordinal);
        Assert.Contains("SQLite", warning.Message, StringComparison.Ordinal);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
