using System.Globalization;
using System.Net;
using System.Net.Sockets;
using EnsembleGrpc.Router.Tests.Rollouts;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EnsembleGrpc.Router.Tests.Page;

/// <summary>
/// The dashboard's rollout panel in headless chromium (the page cluster's browser) against the end-to-end canary's own
/// router (<see cref="CanaryExperiment"/>, which serves the page too): the rollout the file started shows its share,
/// steps and first decision, and after LoadGen's feedback traffic the panel shows it rolled back, with the reason.
/// </summary>
[Collection(PageClusterCollection.Name)]
public sealed class DashboardRolloutTests(PageCluster cluster)
{
    [BrowserFact]
    public async Task The_rollout_panel_follows_the_weak_candidate_from_its_first_step_to_its_rollback()
    {
        await using var experiment = new CanaryExperiment();
        int httpPort = FreePort();
        await experiment.StartAsync(null, "--http-port", httpPort.ToString(CultureInfo.InvariantCulture));
        await using var context = await cluster.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 900 } });
        context.SetDefaultTimeout(15_000);
        var dashboard = await context.NewPageAsync();
        await dashboard.GotoAsync($"http://127.0.0.1:{httpPort}/page/dashboard.html");

        var panel = dashboard.Locator(".panel.rollout");
        await Expect(panel.Locator("h3")).ToHaveTextAsync("Rollout of weak over bagging: running");
        await Expect(panel.Locator("[data-metric='rollout-share'] .value")).ToHaveTextAsync("20%");
        await Expect(panel.Locator("[data-metric='rollout-share'] .note")).ToHaveTextAsync("step 1 of 3");
        await Expect(panel.Locator("ol.steps li")).ToHaveTextAsync(["20%", "50%", "100%"]);
        await Expect(panel.Locator("ol.steps li.current")).ToHaveTextAsync("20%");
        await Expect(panel.Locator("[data-metric='rollout-decisions'] .note")).ToContainTextAsync("last: started 0% → 20%");

        var result = await experiment.RunTrafficAsync();
        Assert.Equal(3, result.WaitExit);

        await Expect(panel.Locator("h3")).ToHaveTextAsync("Rollout of weak over bagging: rolled back");
        await Expect(panel.Locator("[data-metric='rollout-share'] .value")).ToHaveTextAsync("0%");
        await Expect(panel.Locator("[data-metric='rollout-decisions'] .note")).ToContainTextAsync("last: rolled back 20% → 0% by controller");
        await Expect(panel.Locator("p.note")).ToContainTextAsync("Why: accuracy breached");
        await Expect(panel.Locator("[data-guardrail='accuracy'] .verdict")).ToHaveTextAsync("fail");
        Directory.CreateDirectory(PageCluster.ScreenshotFolder);
        await dashboard.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PageCluster.ScreenshotFolder, "dashboard-rollout.png"), FullPage = true });
    }

    /// <summary>A port the system has just handed out and that is free again (the router binds it right after).</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
