namespace EnsembleGrpc.Router.Configuration;

/// <summary>The documented defaults of the routing file, in one place (see config/README.md).</summary>
internal static class RoutingDefaults
{
    public const string AdminTokenEnvironmentVariable = "ENSEMBLEGRPC_ADMIN_TOKEN";
    public const string ModelRepository = "../models";
    public const int Quorum = 1;
    public const bool RevealArm = false;
    public const int MaxBatchSize = 256;
    public const int TimeoutMs = 1000;
    public const int Weight = 0;
    public const double FailureRatio = 0.5;
    public const int MinimumThroughput = 5;
    public const int SamplingDurationMs = 10_000;
    public const int BreakDurationMs = 5_000;
    public const double ShadowSamplePercent = 0;
    public const int ShadowQueueCapacity = 256;
    public const int ShadowConcurrency = 2;

    // Polly's own lower bounds (it rejects shorter windows), so the validator reports them before Polly would throw.
    public const int MinimumSamplingDurationMs = 500;
    public const int MinimumBreakDurationMs = 500;
}
