using EnsembleGrpc.Hosting.Errors;
using EnsembleGrpc.Router.Engine;
using EnsembleGrpc.Router.Engine.Admission;
using EnsembleGrpc.Router.Frontend;
using EnsembleGrpc.Tests.Shared;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Tests.Engine;

public sealed class RetryPushbackTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void The_wait_doubles_each_window_refusals_outnumber_the_target_share_and_stops_at_the_maximum()
    {
        var pushback = Create(minMs: 50, maxMs: 300);
        var waits = new List<double>();
        for (int window = 0; window < 5; window++)
        {
            Admit(pushback, 100);
            Refuse(pushback, 26); // above 25% of the admissions
            _time.Advance(RetryPushback.Window);
            waits.Add(pushback.CurrentMs);
        }

        Assert.Equal([100, 200, 300, 300, 300], waits);
    }

    [Fact]
    public void The_wait_holds_within_the_band_and_halves_to_the_minimum_once_refusals_become_rare()
    {
        var pushback = Create(minMs: 50, maxMs: 5000);
        Refuse(pushback, 10);
        _time.Advance(RetryPushback.Window);
        Refuse(pushback, 10);
        _time.Advance(RetryPushback.Window);
        Assert.Equal(200, pushback.CurrentMs);

        Admit(pushback, 100);
        Refuse(pushback, 10); // 10%: between a quarter of the target and the target
        _time.Advance(RetryPushback.Window);
        Assert.Equal(200, pushback.CurrentMs);

        Admit(pushback, 100);
        Refuse(pushback, 6); // under 6.25%
        _time.Advance(RetryPushback.Window);
        Assert.Equal(100, pushback.CurrentMs);
    }

    [Fact]
    public void Windows_without_any_refusal_halve_the_wait_once_each()
    {
        var pushback = Create(minMs: 10, maxMs: 5000);
        for (int i = 0; i < 6; i++)
        {
            Refuse(pushback, 1);
            _time.Advance(RetryPushback.Window);
        }

        Assert.Equal(640, pushback.CurrentMs);
        Admit(pushback, 1000);
        _time.Advance(RetryPushback.Window * 3); // three windows pass with admissions only

        Assert.Equal(80, pushback.CurrentMs);
    }

    [Fact]
    public void Each_refused_caller_gets_the_wait_jittered_between_half_and_one_and_a_half_times()
    {
        var pushback = new RetryPushback(new AdmissionOptions { RetryPushbackMinMs = 100 }, _time, new Random(3));

        var waits = Enumerable.Range(0, 200).Select(_ => pushback.Refused().TotalMilliseconds).ToList();

        Assert.All(waits, w => Assert.InRange(w, 50, 150));
        Assert.True(waits.Distinct().Count() > 50, "the waits are spread, not one value");
        Assert.InRange(waits.Average(), 90, 110);
    }

    [Fact]
    public async Task A_refused_ticket_carries_the_wait_and_the_gRPC_status_the_trailer()
    {
        var admission = new AdmissionController(Options.Create(new AdmissionOptions { MaxInFlight = 1, QueueLimit = 0, RetryPushbackMinMs = 40 }), _time, new Random(1));
        using var running = await admission.AdmitAsync(CancellationToken.None);
        using var refused = await admission.AdmitAsync(CancellationToken.None);
        var outcome = InferenceOutcome.Failed(RouterError.Shed, "the router is overloaded") with { RetryAfter = refused.RetryAfter };

        var exception = ResultStatus.Exception(outcome, deadlinePassed: false);

        Assert.Equal(AdmissionResult.QueueFull, refused.Result);
        Assert.InRange(refused.RetryAfter.TotalMilliseconds, 20, 60);
        Assert.Equal(StatusCode.ResourceExhausted, exception.StatusCode);
        Assert.Equal(((long)refused.RetryAfter.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
            exception.Trailers.GetValue(RetryPushbackMetadata.Key));
        Assert.Equal(TimeSpan.Zero, running.RetryAfter);
    }

    [Fact]
    public void A_minimum_above_the_maximum_is_refused_at_start_up()
    {
        var options = new AdmissionOptions { RetryPushbackMinMs = 600, RetryPushbackMaxMs = 500 };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();

        bool valid = System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true);

        Assert.False(valid);
        Assert.Contains(results, r => r.ErrorMessage!.Contains("RetryPushbackMinMs (600) must not exceed RetryPushbackMaxMs (500)", StringComparison.Ordinal));
    }

    private RetryPushback Create(int minMs, int maxMs) =>
        new(new AdmissionOptions { RetryPushbackMinMs = minMs, RetryPushbackMaxMs = maxMs, RetryPushbackTargetRatio = 0.25 }, _time, new Random(1));

    private static void Admit(RetryPushback pushback, int count)
    {
        for (int i = 0; i < count; i++)
        {
            pushback.Admitted();
        }
    }

    private static void Refuse(RetryPushback pushback, int count)
    {
        for (int i = 0; i < count; i++)
        {
            pushback.Refused();
        }
    }
}
