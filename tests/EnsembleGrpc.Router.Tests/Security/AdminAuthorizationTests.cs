using EnsembleGrpc.Hosting.Errors;
using EnsembleGrpc.Protocol.Admin;
using EnsembleGrpc.Router.Frontend;
using EnsembleGrpc.Router.Frontend.Security;
using EnsembleGrpc.Router.Tests.Functional;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Router.Traffic;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Tests.Security;

/// <summary>
/// RouterAdmin's guard against a real router on 127.0.0.1: writes (SubmitFeedback, SetTrafficSplit) need the token,
/// reads are open unless protected, failures are logged without the token and lock the caller out after N of them.
/// </summary>
public sealed class AdminAuthorizationTests : IDisposable
{
    private const string Token = "admin-token-for-security-tests";

    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task SubmitFeedback_is_refused_without_the_token_and_with_a_wrong_one_and_scored_with_the_right_one()
    {
        await using var router = await SecureRouter.StartAsync(_files.Write("routing.json", SecureRouter.Routing(Token)), []);
        Record(router, "r1");
        using var channel = router.Plain();
        var admin = new RouterAdmin.RouterAdminClient(channel);

        var missing = await Assert.ThrowsAsync<RpcException>(async () => await admin.SubmitFeedbackAsync(Feedback("r1")));
        var wrong = await Assert.ThrowsAsync<RpcException>(async () => await admin.SubmitFeedbackAsync(Feedback("r1"), InferenceCalls.Bearer("guess-one")));
        Assert.Equal(StatusCode.Unauthenticated, missing.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, wrong.StatusCode);
        Assert.DoesNotContain("guess-one", wrong.Status.Detail, StringComparison.Ordinal);

        var scored = await admin.SubmitFeedbackAsync(Feedback("r1"), InferenceCalls.Bearer(Token));
        Assert.Equal(4u, scored.Total);
        Assert.Equal(3u, scored.Correct);

        // Each failure logged once with the method and the caller's address, never with what was presented or the token.
        var failures = router.Entries("AdminAuthenticationFailed");
        Assert.Equal(2, failures.Count);
        Assert.All(failures, f => Assert.Contains("/ensemblegrpc.router.RouterAdmin/SubmitFeedback from 127.0.0.1", f.Message, StringComparison.Ordinal));
        Assert.DoesNotContain(router.Logs.Entries, e => e.Message.Contains("guess-one", StringComparison.Ordinal) || e.Message.Contains(Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_configured_token_writes_are_refused_with_the_reason_and_reads_stay_open()
    {
        await using var router = await SecureRouter.StartAsync(_files.Write("routing.json", SecureRouter.Routing(adminToken: null)), []);
        Record(router, "r1");
        using var channel = router.Plain();
        var admin = new RouterAdmin.RouterAdminClient(channel);

        var feedback = await Assert.ThrowsAsync<RpcException>(async () => await admin.SubmitFeedbackAsync(Feedback("r1"), InferenceCalls.Bearer("anything")));
        var split = await Assert.ThrowsAsync<RpcException>(async () => await admin.SetTrafficSplitAsync(Split(), InferenceCalls.Bearer("anything")));
        Assert.All([feedback, split], e =>
        {
            Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
            Assert.Contains("no admin token is configured", e.Status.Detail, StringComparison.Ordinal);
        });

        Assert.Contains("mnist", (await admin.GetConfigAsync(new GetConfigRequest())).ConfigJson, StringComparison.Ordinal);
        Assert.Single((await admin.GetStatisticsAsync(new GetStatisticsRequest())).Ensembles);
    }

    [Fact]
    public async Task Protected_reads_need_the_token_too()
    {
        await using var router = await SecureRouter.StartAsync(_files.Write("routing.json", SecureRouter.Routing(Token)), ["--admin-protect-reads"]);
        using var channel = router.Plain();
        var admin = new RouterAdmin.RouterAdminClient(channel);

        var config = await Assert.ThrowsAsync<RpcException>(async () => await admin.GetConfigAsync(new GetConfigRequest()));
        var stats = await Assert.ThrowsAsync<RpcException>(async () => await admin.GetStatisticsAsync(new GetStatisticsRequest(), InferenceCalls.Bearer("nope")));
        Assert.Equal(StatusCode.Unauthenticated, config.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, stats.StatusCode);
        Assert.Single((await admin.GetStatisticsAsync(new GetStatisticsRequest(), InferenceCalls.Bearer(Token))).Ensembles);
    }

    [Fact]
    public async Task After_N_failures_every_admin_call_from_the_caller_is_refused_until_the_window_has_passed()
    {
        var clock = new ManualClock();
        await using var router = await SecureRouter.StartAsync(
            _files.Write("routing.json", SecureRouter.Routing(Token)),
            ["--admin-max-failures", "3", "--admin-failure-window-s", "30"],
            services => services.AddSingleton(sp => new FailedAttemptLimiter(sp.GetRequiredService<IOptions<AdminSecurityOptions>>(), clock)));
        Record(router, "r1");
        using var channel = router.Plain();
        var admin = new RouterAdmin.RouterAdminClient(channel);

        for (int i = 0; i < 3; i++)
        {
            var guess = await Assert.ThrowsAsync<RpcException>(async () => await admin.SetTrafficSplitAsync(Split(), InferenceCalls.Bearer($"guess-{i}")));
            Assert.Equal(StatusCode.Unauthenticated, guess.StatusCode);
        }

        // Locked out: even the right token and the open reads are refused, with the wait as gRPC retry pushback.
        var locked = await Assert.ThrowsAsync<RpcException>(async () => await admin.SubmitFeedbackAsync(Feedback("r1"), InferenceCalls.Bearer(Token)));
        Assert.Equal(StatusCode.ResourceExhausted, locked.StatusCode);
        Assert.Equal("30000", locked.Trailers.GetValue(RetryPushbackMetadata.Key));
        var read = await Assert.ThrowsAsync<RpcException>(async () => await admin.GetConfigAsync(new GetConfigRequest()));
        Assert.Equal(StatusCode.ResourceExhausted, read.StatusCode);
        Assert.Single(router.Entries("AdminCallerLockedOut"));

        clock.Advance(TimeSpan.FromSeconds(29));
        var stillLocked = await Assert.ThrowsAsync<RpcException>(async () => await admin.SubmitFeedbackAsync(Feedback("r1"), InferenceCalls.Bearer(Token)));
        Assert.Equal("1000", stillLocked.Trailers.GetValue(RetryPushbackMetadata.Key));

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(4u, (await admin.SubmitFeedbackAsync(Feedback("r1"), InferenceCalls.Bearer(Token))).Total);
        Assert.NotEmpty((await admin.GetConfigAsync(new GetConfigRequest())).ConfigJson);
    }

    [Fact]
    public async Task Invalid_admin_security_options_stop_the_start()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            SecureRouter.StartAsync(_files.Write("routing.json", SecureRouter.Routing(Token)), ["--admin-max-failures", "0"]));
        Assert.Contains(nameof(AdminSecurityOptions.MaxFailures), error.Message, StringComparison.Ordinal);
    }

    private static void Record(SecureRouter router, string id)
        => router.Host.Services.GetRequiredService<RequestLedger>().Record(new LedgerEntry(id, "mnist", "bagging", "bagging", [1, 2, 3, 4]));

    private static SubmitFeedbackRequest Feedback(string id)
    {
        var request = new SubmitFeedbackRequest { RequestId = id };
        request.Labels.AddRange([1, 2, 3, 0]); // 3 of 4 right
        return request;
    }

    private static SetTrafficSplitRequest Split()
    {
        var request = new SetTrafficSplitRequest { Ensemble = "mnist" };
        request.Weights.Add("bagging", 1);
        return request;
    }
}
