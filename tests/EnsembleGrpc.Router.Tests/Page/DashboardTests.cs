using System.Globalization;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EnsembleGrpc.Router.Tests.Page;

/// <summary>
/// The live dashboard in headless chromium: requests and feedback sent from the digit page move its numbers while it
/// polls, and it fits a phone's screen. These runs also leave the README's screenshots in
/// <see cref="PageCluster.ScreenshotFolder"/> (scripts/page-screenshots.sh).
/// </summary>
[Collection(PageClusterCollection.Name)]
public sealed class DashboardTests(PageCluster cluster)
{
    [BrowserFact]
    public async Task Requests_and_feedback_from_the_digit_page_move_the_dashboards_numbers()
    {
        var (context, dashboard) = await cluster.OpenAsync("dashboard.html");
        await using var _ = context;
        await Expect(dashboard.Locator("body")).Not.ToHaveAttributeAsync("data-snapshots", "0");
        var vote = dashboard.Locator("[data-arm='vote']");
        long rowsBefore = long.Parse(await vote.Locator("[data-metric='feedback-rows']").TextContentAsync() ?? "", CultureInfo.InvariantCulture);
        string requestsBefore = await vote.Locator("[data-metric='requests'] .value").TextContentAsync() ?? "";

        // The digit page in the same browser context: the token saved there is the one the dashboard would send.
        var digits = await context.NewPageAsync();
        await digits.GotoAsync(cluster.PageUrl);
        await Expect(digits.Locator("body[data-ready]")).ToHaveCountAsync(1);
        await digits.ClickAsync("#token-form summary");
        await digits.FillAsync("#token", PageCluster.AdminToken);
        await digits.ClickAsync("#save-token");
        // First as the split decides (the vote arm shadows it), then asked of vote itself.
        await DigitStrokes.DrawAsync(digits, DigitStrokes.Seven);
        await Expect(digits.Locator("body")).ToHaveAttributeAsync("data-answers", "1");
        await digits.SelectOptionAsync("#strategy", "vote");
        await Expect(digits.Locator("body")).ToHaveAttributeAsync("data-answers", "2");
        await Expect(digits.Locator("#fact-strategy")).ToHaveTextAsync("vote");
        await Expect(digits.Locator("#prediction")).ToHaveTextAsync("7");
        await digits.ClickAsync("button[data-label='7']");
        await Expect(digits.Locator("#feedback-status")).ToContainTextAsync("arm vote was right");

        // The dashboard sees both on its next polls: one more request and one more labelled row for the vote arm.
        await Expect(vote.Locator("[data-metric='requests'] .value")).Not.ToHaveTextAsync(requestsBefore);
        await Expect(vote.Locator("[data-metric='feedback-rows']")).ToHaveTextAsync((rowsBefore + 1).ToString(CultureInfo.InvariantCulture));
        await Expect(vote.Locator("[data-metric='accuracy'] .value")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("%$"));
        await Expect(dashboard.Locator("[data-arm='bagging'] [data-metric='share'] .note")).ToContainTextAsync("target 70%");
        await Expect(dashboard.Locator("[data-shadow='vote'] [data-metric='agreement'] .value")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("%$"));
        await Expect(dashboard.Locator("table.endpoints .breaker")).ToHaveTextAsync(["closed", "closed", "closed"]);

        // Some labelled traffic through the split, so that the screenshots show shares, rates and accuracies at work.
        Assert.Equal(100, await cluster.SendTrafficAsync(first: 100, count: 100));
        await Expect(dashboard.Locator("[data-arm='bagging'] [data-metric='accuracy'] .value")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("%$"));
        await Expect(dashboard.Locator("[data-arm='bagging'] [data-metric='rate'] .value")).Not.ToHaveTextAsync("0.0");

        Directory.CreateDirectory(PageCluster.ScreenshotFolder);
        await digits.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PageCluster.ScreenshotFolder, "digits.png"), FullPage = true });
        await dashboard.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PageCluster.ScreenshotFolder, "dashboard.png"), FullPage = true });
    }

    [BrowserFact]
    public async Task The_dashboard_and_the_digit_page_fit_a_phone_screen()
    {
        var (context, dashboard) = await cluster.OpenAsync("dashboard.html", width: 390, height: 844);
        await using var _ = context;
        await Expect(dashboard.Locator("body")).Not.ToHaveAttributeAsync("data-snapshots", "0");
        await Expect(dashboard.Locator("[data-arm]")).ToHaveCountAsync(5);
        Assert.True(await FitsAsync(dashboard), "the dashboard scrolls sideways on a 390 px screen");
        Directory.CreateDirectory(PageCluster.ScreenshotFolder);
        await dashboard.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PageCluster.ScreenshotFolder, "dashboard-phone.png") });

        var digits = await context.NewPageAsync();
        await digits.GotoAsync(cluster.PageUrl);
        await Expect(digits.Locator("body[data-ready]")).ToHaveCountAsync(1);
        await DigitStrokes.DrawAsync(digits, DigitStrokes.One);
        await Expect(digits.Locator("body")).ToHaveAttributeAsync("data-answers", "1");
        Assert.True(await FitsAsync(digits), "the digit page scrolls sideways on a 390 px screen");
    }

    // Wide tables scroll inside their own box; the page itself must not.
    private static Task<bool> FitsAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth");
}
