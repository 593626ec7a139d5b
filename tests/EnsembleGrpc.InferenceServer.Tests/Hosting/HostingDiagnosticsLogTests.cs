using EnsembleGrpc.Hosting.Logs;
using EnsembleGrpc.InferenceServer.Hosting;
using Microsoft.Extensions.Configuration;

namespace EnsembleGrpc.InferenceServer.Tests.Hosting;

/// <summary>
/// When the worker switches ASP.NET Core's hosting diagnostics off (no Activity and log scope per request): only
/// when the configured levels hide the request lines anyway and nobody set the category itself.
/// </summary>
public sealed class HostingDiagnosticsLogTests
{
    [Theory]
    [InlineData("Information", true)]
    [InlineData("Warning", true)]
    [InlineData("None", true)]
    [InlineData("Debug", false)]
    [InlineData("Trace", false)]
    public void Follows_the_log_level_of_the_server_defaults(string level, bool quiet)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(ServerLogs.ForLevel(level)).Build();
        Assert.Equal(quiet, HostingDiagnosticsLog.IsQuiet(configuration));
    }

    [Fact]
    public void A_level_set_for_the_category_itself_is_left_alone()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
            [.. ServerLogs.ForLevel("Information"), new($"Logging:LogLevel:{HostingDiagnosticsLog.Category}", "Warning")]).Build();
        Assert.False(HostingDiagnosticsLog.IsQuiet(configuration));
    }

    [Fact]
    public void Without_any_level_the_logging_default_Information_writes_request_lines_so_nothing_changes()
        => Assert.False(HostingDiagnosticsLog.IsQuiet(new ConfigurationBuilder().Build()));

    [Fact]
    public void The_nearest_configured_parent_decides()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
            [new("Logging:LogLevel:Default", "Warning"), new("Logging:LogLevel:Microsoft.AspNetCore.Hosting", "Information")]).Build();
        Assert.False(HostingDiagnosticsLog.IsQuiet(configuration));
    }
}
