using System.Text.RegularExpressions;
using EnsembleGrpc.Router.Tests.Support;

namespace EnsembleGrpc.Router.Tests.Observability;

/// <summary>The alerting rules users load into Prometheus (deploy/prometheus/): valid, and doing what their unit tests say.</summary>
public sealed partial class AlertRulesTests
{
    private const string RulesFile = "ensemblegrpc-alerts.yml";
    private const string TestsFile = "ensemblegrpc-alerts.test.yml";

    private static string Folder => Path.Combine(RepoPaths.Root, "deploy", "prometheus");

    [Fact]
    public async Task Promtool_accepts_the_rules()
    {
        var (exitCode, output) = await Promtool.RunInAsync(Folder, null, "check", "rules", RulesFile);

        Assert.True(exitCode == 0, $"promtool check rules failed ({exitCode}):\n{output}");
    }

    [Fact]
    public async Task The_rules_pass_their_promtool_unit_tests()
    {
        var (exitCode, output) = await Promtool.RunInAsync(Folder, null, "test", "rules", TestsFile);

        Assert.True(exitCode == 0, $"promtool test rules failed ({exitCode}):\n{output}");
    }

    [Fact]
    public void Every_alert_the_operators_need_exists_and_has_a_unit_test()
    {
        string[] needed =
        [
            "EnsembleArmAccuracyDegraded", "EnsembleHighLatencyP95", "EnsembleErrorRateSpike", "EnsembleTrafficImbalance",
            "EnsembleBreakerOpen", "EnsembleShadowDisagreementRising",
        ];
        var alerts = AlertName().Matches(File.ReadAllText(Path.Combine(Folder, RulesFile))).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var tested = TestedName().Matches(File.ReadAllText(Path.Combine(Folder, TestsFile))).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(needed.Except(alerts));
        Assert.Empty(alerts.Except(tested));
    }

    [GeneratedRegex(@"^\s*- alert:\s*(\S+)", RegexOptions.Multiline)]
    private static partial Regex AlertName();

    [GeneratedRegex(@"^\s*alertname:\s*(\S+)", RegexOptions.Multiline)]
    private static partial Regex TestedName();
}
