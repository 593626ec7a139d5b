namespace EnsembleGrpc.Router.Model;

/// <summary>Snapshot of an ensemble's shadow settings; absent when the file has no shadow section.</summary>
public sealed record ShadowModel
{
    public required ArmModel Arm { get; init; }

    /// <summary>0–100.</summary>
    public required double SamplePercent { get; init; }

    public required int QueueCapacity { get; init; }

    public required int Concurrency { get; init; }
}
