using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using EnsembleGrpc.Protocol.Admin;
using EnsembleGrpc.Router.Frontend.Security;
using EnsembleGrpc.Router.Tests.Security;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Router.Traffic;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Tests.Page;

/// <summary>
/// The page's endpoints over plain HTTP against a real router on 127.0.0.1 (no browser, no workers): feedback and the
/// statistics follow RouterAdmin's rules through the same guard (token, protected reads, a lockout shared with gRPC),
/// and only the page's own files are served.
/// </summary>
public sealed class PageApiTests : IDisposable
{
    private const string Token = "page-api-token";

    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Feedback_needs_the_token_and_failures_lock_the_address_out_of_grpc_admin_too()
    {
        var clock = new ManualClock();
        await using var router = await SecureRouter.StartAsync(
            _files.Write("routing.json", SecureRouter.Routing(Token)),
            ["--http-port", "0", "--admin-max-failures", "2", "--admin-failure-window-s", "30"],
            services => services.AddSingleton(sp => new FailedAttemptLimiter(sp.GetRequiredService<IOptions<AdminSecurityOptions>>(), clock)));
        router.Host.Services.GetRequiredService<RequestLedger>().Record(new LedgerEntry("r1", "mnist", "bagging", "bagging", [1, 2, 3, 4]));
        using var http = Http(router);

        using var missing = await http.PostAsync("/page/api/feedback", Feedback("r1", 1, 2, 3, 0));
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Contains("Authorization: Bearer <token>", await Error(missing), StringComparison.Ordinal);
        using var wrong = await http.SendAsync(FeedbackRequest("guess", "r1", 1, 2, 3, 0));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("the bearer token is not valid.", await Error(wrong));

        // Two failures: locked out, even with the right token, and on the gRPC admin service as well.
        using var locked = await http.SendAsync(FeedbackRequest(Token, "r1", 1, 2, 3, 0));
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), locked.Headers.RetryAfter?.Delta);
        using var channel = router.Plain();
        var grpc = await Assert.ThrowsAsync<RpcException>(async () => await new RouterAdmin.RouterAdminClient(channel).GetConfigAsync(new GetConfigRequest()));
        Assert.Equal(StatusCode.ResourceExhausted, grpc.StatusCode);
        var failures = router.Entries("AdminAuthenticationFailed");
        Assert.Equal(2, failures.Count);
        Assert.All(failures, f => Assert.Contains("POST /page/api/feedback from 127.0.0.1", f.Message, StringComparison.Ordinal));
        Assert.DoesNotContain(router.Logs.Entries, e => e.Message.Contains("guess", StringComparison.Ordinal) || e.Message.Contains(Token, StringComparison.Ordinal));

        clock.Advance(TimeSpan.FromSeconds(30));
        using var scored = await http.SendAsync(FeedbackRequest(Token, "r1", 1, 2, 3, 0));
        Assert.Equal(HttpStatusCode.OK, scored.StatusCode);
        using var answer = JsonDocument.Parse(await scored.Content.ReadAsStringAsync());
        Assert.Equal("bagging", answer.RootElement.GetProperty("arm").GetString());
        Assert.Equal(3, answer.RootElement.GetProperty("correct").GetInt32());
        Assert.Equal(4, answer.RootElement.GetProperty("total").GetInt32());
        Assert.Equal(0.75, answer.RootElement.GetProperty("arm_online_accuracy").GetDouble());

        using var again = await http.SendAsync(FeedbackRequest(Token, "r1", 1, 2, 3, 0));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Bad_feedback_gets_400_or_404_with_what_is_wrong()
    {
        await using var router = await SecureRouter.StartAsync(_files.Write("routing.json", SecureRouter.Routing(Token)), ["--http-port", "0"]);
        router.Host.Services.GetRequiredService<RequestLedger>().Record(new LedgerEntry("r1", "mnist", "bagging", "bagging", [1]));
        using var http = Http(router);

        var notJson = new HttpRequestMessage(HttpMethod.Post, "/page/api/feedback") { Content = new StringContent("labels=1", Encoding.UTF8, "application/json") };
        notJson.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var notJsonAnswer = await http.SendAsync(notJson);
        Assert.Equal(HttpStatusCode.BadRequest, notJsonAnswer.StatusCode);
        Assert.Contains("\"request_id\"", await Error(notJsonAnswer), StringComparison.Ordinal);

        using var outOfRange = await http.SendAsync(FeedbackRequest(Token, "r1", 12));
        Assert.Equal(HttpStatusCode.BadRequest, outOfRange.StatusCode);
        Assert.Contains("labels must be in 0..9", await Error(outOfRange), StringComparison.Ordinal);
        using var unknown = await http.SendAsync(FeedbackRequest(Token, "nobody", 1));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Statistics_are_open_unless_reads_are_protected()
    {
        await using (var open = await SecureRouter.StartAsync(_files.Write("open.json", SecureRouter.Routing(Token)), ["--http-port", "0"]))
        {
            using var http = Http(open);
            using var stats = JsonDocument.Parse(await http.GetStringAsync("/page/api/statistics"));
            var arm = stats.RootElement.GetProperty("ensembles")[0].GetProperty("arms")[0];
            Assert.Equal("bagging", arm.GetProperty("name").GetString());
            Assert.Equal(1.0, arm.GetProperty("configured_share").GetDouble());
            Assert.Equal("closed", stats.RootElement.GetProperty("ensembles")[0].GetProperty("members")[0].GetProperty("endpoints")[0].GetProperty("breaker_state").GetString());
        }

        await using var guarded = await SecureRouter.StartAsync(_files.Write("guarded.json", SecureRouter.Routing(Token)), ["--http-port", "0", "--admin-protect-reads"]);
        using var client = Http(guarded);
        using var refused = await client.GetAsync("/page/api/statistics");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using var models = JsonDocument.Parse(await client.GetStringAsync("/page/api/models"));
        Assert.True(models.RootElement.GetProperty("reads_protected").GetBoolean());
        var request = new HttpRequestMessage(HttpMethod.Get, "/page/api/statistics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var allowed = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task Only_the_pages_own_files_are_served_with_a_content_security_policy()
    {
        await using var router = await SecureRouter.StartAsync(_files.Write("routing.json", SecureRouter.Routing(adminToken: null)), ["--http-port", "0"]);
        using var http = Http(router);

        foreach (string path in new[] { "/", "/page" })
        {
            using var redirect = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
            Assert.Equal("/page/", redirect.Headers.Location?.OriginalString);
        }

        using var index = await http.GetAsync("/page/");
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("text/html", index.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("default-src 'self'", index.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("digits.js", await index.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var revalidate = new HttpRequestMessage(HttpMethod.Get, "/page/dashboard.js");
        revalidate.Headers.IfNoneMatch.Add((await http.GetAsync("/page/dashboard.js")).Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(revalidate)).StatusCode);

        foreach (string path in new[] { "/page/nothing.js", "/page/..%2F..%2Frouting.json", "/page/..%2Fpage%2Findex.html" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(path)).StatusCode);
        }

        using var models = JsonDocument.Parse(await http.GetStringAsync("/page/api/models"));
        Assert.False(models.RootElement.GetProperty("feedback_enabled").GetBoolean());
        Assert.Equal(1000, models.RootElement.GetProperty("poll_interval_ms").GetInt32());
        Assert.Equal(["bagging"], models.RootElement.GetProperty("models")[0].GetProperty("strategies").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task A_page_root_that_does_not_hold_the_page_stops_the_start()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => SecureRouter.StartAsync(
            _files.Write("routing.json", SecureRouter.Routing(Token)), ["--http-port", "0", "--Router:Page:Root", _files.Write("empty/readme.txt", "")[..^"readme.txt".Length]]));
        Assert.Contains("Router:Page:Root", error.Message, StringComparison.Ordinal);
    }

    private static HttpClient Http(SecureRouter router) =>
        new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{router.Host.HttpPort}") };

    private static StringContent Feedback(string id, params int[] labels) =>
        new(JsonSerializer.Serialize(new { request_id = id, labels }), Encoding.UTF8, "application/json");

    private static HttpRequestMessage FeedbackRequest(string token, string id, params int[] labels)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/page/api/feedback") { Content = Feedback(id, labels) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static async Task<string> Error(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("error").GetString()!;
    }
}
