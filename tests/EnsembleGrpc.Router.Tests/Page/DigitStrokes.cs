using Microsoft.Playwright;

namespace EnsembleGrpc.Router.Tests.Page;

/// <summary>
/// Digits as strokes on the page's 280×280 pad, drawn with real mouse events (down, moves, up), as a person draws them.
/// </summary>
internal static class DigitStrokes
{
    public static readonly (double X, double Y)[][] One = [[(140, 40), (140, 240)]];

    public static readonly (double X, double Y)[][] Seven = [[(70, 50), (210, 50), (125, 240)]];

    public static readonly (double X, double Y)[][] Zero = [Ellipse(140, 140, 62, 95, 40)];

    /// <summary>Draws every stroke on <c>#pad</c>, in pad coordinates scaled to the pad's size on screen.</summary>
    public static async Task DrawAsync(IPage page, (double X, double Y)[][] strokes)
    {
        var box = await page.Locator("#pad").BoundingBoxAsync() ?? throw new InvalidOperationException("the pad is not visible");
        double scale = box.Width / 280;
        foreach (var stroke in strokes)
        {
            await page.Mouse.MoveAsync((float)(box.X + (stroke[0].X * scale)), (float)(box.Y + (stroke[0].Y * scale)));
            await page.Mouse.DownAsync();
            foreach (var (x, y) in stroke.Skip(1))
            {
                await page.Mouse.MoveAsync((float)(box.X + (x * scale)), (float)(box.Y + (y * scale)), new MouseMoveOptions { Steps = 8 });
            }

            await page.Mouse.UpAsync();
        }
    }

    private static (double X, double Y)[] Ellipse(double cx, double cy, double rx, double ry, int points) =>
        [.. Enumerable.Range(0, points + 1).Select(i => (cx + (rx * Math.Sin(2 * Math.PI * i / points)), cy - (ry * Math.Cos(2 * Math.PI * i / points))))];
}
