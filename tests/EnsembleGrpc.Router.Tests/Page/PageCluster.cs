using EnsembleGrpc.Datasets;
using EnsembleGrpc.InferenceServer.Hosting;
using EnsembleGrpc.Router.Hosting;
using EnsembleGrpc.Router.Tests.Support;
using Microsoft.Playwright;

namespace EnsembleGrpc.Router.Tests.Page;

/// <summary>
/// One worker serving the three MNIST members and a router in front of it, in-process on 127.0.0.1 with the REST port
/// (--http-port 0) that serves the page, and one headless chromium driven by Playwright. Ensemble mnist: a 70/30 split
/// of bagging and stacking, vote, best and boosting for explicit requests, vote shadowing every request; reveal_arm off
/// (the default), so the page learns the arm from feedback. Without chromium the browser is not started (the browser
/// tests are skipped with the reason; see <see cref="BrowserFactAttribute"/>).
/// </summary>
public sealed class PageCluster : IAsyncLifetime
{
    public const string AdminToken = "page-test-token";

    private readonly TestFiles _files = new();
    private WorkerHost? _worker;
    private RouterHost? _router;
    private IPlaywright? _playwright;

    internal EgdsDataset TestSet { get; } = EgdsDataset.Load(Path.Combine(RepoPaths.Models, "data", "mnist-test.bin"));

    internal IBrowser Browser { get; private set; } = null!;

    /// <summary>The page's address: http://127.0.0.1:{REST port}/page/.</summary>
    internal string PageUrl => $"http://127.0.0.1:{_router!.HttpPort}/page/";

    internal string HttpBase => $"http://127.0.0.1:{_router!.HttpPort}";

    /// <summary>Where the tests leave screenshots of both pages (scripts/page-screenshots.sh copies them to docs/page/).</summary>
    internal static string ScreenshotFolder => Path.Combine(RepoPaths.Root, "artifacts", "page-screenshots");

    public async Task InitializeAsync()
    {
        _worker = WorkerHost.Build(
            ["--repository", RepoPaths.Models, "--models", "mnist_cnn_1,mnist_cnn_2,mnist_cnn_3", "--host", "127.0.0.1", "--port", "0",
             "--Logging:LogLevel:Default", "Warning"]);
        await _worker.StartAsync();
        Assert.True(await _worker.WaitUntilLoadedAsync());
        string worker = $"http://127.0.0.1:{_worker.Port}";
        string config = $$"""
            {
              "admin_token": "{{AdminToken}}",
              "model_repository": "{{RepoPaths.Models.Replace("\\", "/", StringComparison.Ordinal)}}",
              "ensembles": [
                { "name": "mnist", "timeout_ms": 10000,
                  "members": [ { "name": "mnist_cnn_1", "endpoints": ["{{worker}}"] },
                               { "name": "mnist_cnn_2", "endpoints": ["{{worker}}"] },
                               { "name": "mnist_cnn_3", "endpoints": ["{{worker}}"] } ],
                  "arms": [ { "name": "bagging", "strategy": "bagging", "weight": 70 },
                            { "name": "stacking", "strategy": "stacking", "weight": 30, "parameters": { "meta_model": "mnist_stacker" } },
                            { "name": "vote", "strategy": "vote" },
                            { "name": "best", "strategy": "best" },
                            { "name": "boosting", "strategy": "boosting" } ],
                  "shadow": { "arm": "vote", "sample_percent": 100 } }
              ]
            }
            """;
        // The browser tests' deliberate failed feedback must not lock 127.0.0.1 out of the others' admin calls.
        _router = RouterHost.Build(
            ["--config", _files.Write("routing.json", config), "--port", "0", "--http-port", "0", "--watch", "false", "--state", "none",
             "--warmup-timeout-ms", "3000", "--admin-max-failures", "100", "--Logging:LogLevel:Default", "Warning"]);
        await _router.StartAsync();
        if (Chromium.Path is { } chromium)
        {
            // Assertions poll the page until this bound (a slow, shared machine); none of them waits on time alone.
            Assertions.SetDefaultExpectTimeout(15_000);
            _playwright = await Playwright.CreateAsync();
            Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = chromium,
                Headless = true,
                // Root in a container: chromium's sandbox needs user namespaces it may not have.
                Args = ["--no-sandbox"],
            });
        }
    }

    /// <summary>
    /// Sends <paramref name="count"/> test digits through the page's infer as the split decides (a routing key each),
    /// and their true labels as feedback: traffic for the dashboard to show. Returns how many were answered.
    /// </summary>
    internal async Task<int> SendTrafficAsync(int first, int count)
    {
        using var http = new HttpClient { BaseAddress = new Uri(HttpBase) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminToken);
        int answered = 0;
        for (int i = first; i < first + count; i++)
        {
            string pixels = string.Join(",", TestSet.Images(i, 1).ToArray());
            string body = $$"""{"parameters": {"routing_key": "user-{{i}}"}, "inputs": [{"name": "image", "datatype": "UINT8", "shape": [1, 28, 28], "data": [{{pixels}}]}]}""";
            using var response = await http.PostAsync("/page/api/models/mnist/infer", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            if (!response.IsSuccessStatusCode)
            {
                continue;
            }

            answered++;
            using var answer = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            string feedback = $$"""{"request_id": "{{answer.RootElement.GetProperty("id").GetString()}}", "labels": [{{TestSet.Labels[i]}}]}""";
            using var scored = await http.PostAsync("/page/api/feedback", new StringContent(feedback, System.Text.Encoding.UTF8, "application/json"));
            Assert.True(scored.IsSuccessStatusCode, await scored.Content.ReadAsStringAsync());
        }

        return answered;
    }

    /// <summary>A fresh browser context (its own localStorage) with one page; the caller disposes the context.</summary>
    internal async Task<(IBrowserContext Context, IPage Page)> OpenAsync(string path = "", int width = 1100, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        // Every wait in the tests is on a page condition; this bounds each one.
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(PageUrl + path);
        return (context, page);
    }

    public async Task DisposeAsync()
    {
        if (_playwright is not null)
        {
            await Browser.CloseAsync();
            _playwright.Dispose();
        }

        if (_router is not null)
        {
            await _router.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
            await _router.DisposeAsync();
        }

        if (_worker is not null)
        {
            await _worker.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
            await _worker.DisposeAsync();
        }

        _files.Dispose();
    }
}
