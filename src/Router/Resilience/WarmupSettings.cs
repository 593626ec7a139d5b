namespace EnsembleGrpc.Router.Resilience;

/// <summary>
/// How member endpoints are warmed up (from the router options <c>--warmup</c>, <c>--warmup-timeout-ms</c>,
/// <c>--warmup-calls</c>): <paramref name="Timeout"/> bounds one endpoint's whole warm-up, <paramref name="Calls"/>
/// ModelInfer calls per endpoint and model.
/// </summary>
public sealed record WarmupSettings(bool Enabled, TimeSpan Timeout, int Calls)
{
    public static WarmupSettings Default { get; } = new(true, TimeSpan.FromSeconds(10), 3);
}
