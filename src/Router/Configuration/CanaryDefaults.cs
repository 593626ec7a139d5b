namespace EnsembleGrpc.Router.Configuration;

/// <summary>The documented defaults of a <see cref="CanaryConfig"/> (config/README.md, "canary").</summary>
public static class CanaryDefaults
{
    public static readonly IReadOnlyList<int> Steps = [5, 10, 25, 50, 100];
    public const int MinStepSeconds = 60;
    public const int MinSamples = 200;
    public const string SequentialTest = "sequential";
    public const string FixedTest = "fixed";
    public const double Alpha = 0.05;
    public const double Tau = 0.02;
    public const int BurnIn = 100;
    public const double SrmThreshold = 0.001;
    public const double ErrorRateMargin = 0.005;
    public const double FallbackRateMargin = 0.01;
    public const double LatencyP95Ms = 200;
    public const double LatencyRelativeMargin = 0.2;
    public const double AccuracyDelta = 0.005;
    public const double AgreementFloor = 0.9;

    public static readonly IReadOnlyList<string> GuardrailNames = ["error_rate", "fallback_rate", "latency", "accuracy", "agreement"];
}
