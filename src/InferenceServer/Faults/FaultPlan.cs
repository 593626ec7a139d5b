using EnsembleGrpc.InferenceServer.Inference;

namespace EnsembleGrpc.InferenceServer.Faults;

/// <summary>The faults one model suffers, resolved from <see cref="FaultOptions"/>.</summary>
public sealed record FaultPlan(TimeSpan Latency, double FailureRate, InferenceErrorCode FailureCode, bool Hang, int? Seed)
{
    public static FaultPlan None { get; } = new(TimeSpan.Zero, 0, InferenceErrorCode.Unavailable, false, null);

    public bool IsActive => Latency > TimeSpan.Zero || FailureRate > 0 || Hang;

    /// <summary>The plan for <paramref name="model"/>: none unless the options scope it in.</summary>
    public static FaultPlan For(FaultOptions options, string model)
    {
        var scoped = FaultScope.Parse(options.Models);
        if (scoped.Count > 0 && !scoped.Contains(model))
        {
            return None;
        }

        var code = string.Equals(options.FailureStatus, "internal", StringComparison.OrdinalIgnoreCase)
            ? InferenceErrorCode.Internal
            : InferenceErrorCode.Unavailable;
        return new FaultPlan(TimeSpan.FromMilliseconds(options.LatencyMs), options.FailureRate, code, options.Hang, options.Seed);
    }

    public override string ToString()
        => $"latency={Latency.TotalMilliseconds}ms failure_rate={FailureRate} failure_status={FailureCode} hang={Hang} seed={(Seed is { } s ? s : "random")}";
}
