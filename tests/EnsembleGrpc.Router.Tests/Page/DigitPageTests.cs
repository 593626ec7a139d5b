using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EnsembleGrpc.Router.Tests.Page;

/// <summary>
/// The digit page in headless chromium against a real router and worker: drawn and uploaded digits are answered with
/// every member's vote, the strategy can be switched, and feedback needs the admin token. Each wait is on a page
/// condition (the answer counter the page keeps on body, a status text), never a sleep.
/// </summary>
[Collection(PageClusterCollection.Name)]
public sealed class DigitPageTests(PageCluster cluster)
{
    [BrowserFact]
    public async Task Digits_drawn_with_the_mouse_are_answered_with_each_members_probabilities_and_vote()
    {
        var (context, page) = await cluster.OpenAsync();
        await using var _ = context;
        await Expect(page.Locator("body[data-ready]")).ToHaveCountAsync(1);

        int answers = 0;
        foreach (var (strokes, digit) in new[] { (DigitStrokes.One, "1"), (DigitStrokes.Seven, "7"), (DigitStrokes.Zero, "0") })
        {
            await page.ClickAsync("#clear");
            await DigitStrokes.DrawAsync(page, strokes);
            await Expect(page.Locator("body")).ToHaveAttributeAsync("data-answers", (++answers).ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Expect(page.Locator("#prediction")).ToHaveTextAsync(digit);
        }

        // The ensemble's row and one per member, each member with its own vote; no fallback with every worker up.
        await Expect(page.Locator("#probabilities tbody tr")).ToHaveCountAsync(4);
        foreach (string member in new[] { "mnist_cnn_1", "mnist_cnn_2", "mnist_cnn_3" })
        {
            await Expect(page.Locator($"tr[data-member='{member}'] td.vote")).ToHaveTextAsync("0");
        }

        await Expect(page.Locator("#fact-fallback")).ToHaveTextAsync("no");
        await Expect(page.Locator("#fact-members")).ToHaveTextAsync("3 of 3");
        await Expect(page.Locator("#fact-latency")).ToContainTextAsync("ms in the router");
    }

    [BrowserFact]
    public async Task An_uploaded_png_is_answered_light_on_dark_and_dark_on_light()
    {
        var (context, page) = await cluster.OpenAsync();
        await using var _ = context;
        await Expect(page.Locator("body[data-ready]")).ToHaveCountAsync(1);

        int index = 0;
        string label = cluster.TestSet.Labels[index].ToString(System.Globalization.CultureInfo.InvariantCulture);
        byte[] pixels = cluster.TestSet.Images(index, 1).ToArray();
        await page.SetInputFilesAsync("#upload", new FilePayload { Name = "digit.png", MimeType = "image/png", Buffer = PngFile.Gray(pixels, 28, 28) });
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-answers", "1");
        await Expect(page.Locator("#prediction")).ToHaveTextAsync(label);

        // Twice the size, dark on light (a scan): the router inverts and resizes it.
        var scan = PngFile.Gray(PngFile.Scale(pixels, 28, 2, invert: true), 56, 56);
        await page.SetInputFilesAsync("#upload", new FilePayload { Name = "scan.png", MimeType = "image/png", Buffer = scan });
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-answers", "2");
        await Expect(page.Locator("#prediction")).ToHaveTextAsync(label);
    }

    [BrowserFact]
    public async Task Switching_the_strategy_asks_again_and_that_strategy_answers()
    {
        var (context, page) = await cluster.OpenAsync();
        await using var _ = context;
        await Expect(page.Locator("body[data-ready]")).ToHaveCountAsync(1);
        await Expect(page.Locator("#strategy option")).ToHaveTextAsync(["A/B split decides", "bagging", "stacking", "vote", "best", "boosting"]);

        await DigitStrokes.DrawAsync(page, DigitStrokes.One);
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-answers", "1");
        // The split chose: bagging or stacking (70/30), and the arm stays hidden (reveal_arm is off).
        await Expect(page.Locator("#fact-strategy")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(bagging|stacking)$"));
        await Expect(page.Locator("#fact-arm")).ToContainTextAsync("not revealed");

        int answers = 1;
        foreach (string strategy in new[] { "stacking", "vote", "best" })
        {
            await page.SelectOptionAsync("#strategy", strategy);
            await Expect(page.Locator("body")).ToHaveAttributeAsync("data-answers", (++answers).ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Expect(page.Locator("#fact-strategy")).ToHaveTextAsync(strategy);
            await Expect(page.Locator("tr.ensemble th")).ToHaveTextAsync($"ensemble ({strategy})");
            await Expect(page.Locator("#prediction")).ToHaveTextAsync("1");
        }
    }

    [BrowserFact]
    public async Task Feedback_is_refused_without_the_admin_token_and_counted_with_it()
    {
        var (context, page) = await cluster.OpenAsync();
        await using var _ = context;
        await Expect(page.Locator("body[data-ready]")).ToHaveCountAsync(1);
        await DigitStrokes.DrawAsync(page, DigitStrokes.One);
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-answers", "1");

        await page.ClickAsync("button[data-label='1']");
        await Expect(page.Locator("#feedback-status")).ToContainTextAsync("Feedback refused (401)");
        await Expect(page.Locator("#token-form")).ToHaveAttributeAsync("open", "");

        await page.FillAsync("#token", PageCluster.AdminToken);
        await page.ClickAsync("#save-token");
        await Expect(page.Locator("#token-state")).ToHaveTextAsync("a token is saved in this browser");
        await page.ClickAsync("button[data-label='1']");
        await Expect(page.Locator("#feedback-status")).ToContainTextAsync("was right");
        // The arm, hidden in the answer, is named by the feedback.
        await Expect(page.Locator("#fact-arm")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(bagging|stacking) \\(named by the feedback\\)$"));

        // Once per request: the second click is refused as a conflict, with the router's words.
        await page.ClickAsync("button[data-label='1']");
        await Expect(page.Locator("#feedback-status")).ToContainTextAsync("(409)");
        await Expect(page.Locator("#feedback-status")).ToContainTextAsync("already submitted");
    }
}
