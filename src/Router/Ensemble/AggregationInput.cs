using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Ensemble;

/// <summary>
/// What a strategy aggregates: the arm, and the validated probabilities of its members in the arm's member order.
/// </summary>
public sealed record AggregationInput
{
    public required ArmModel Arm { get; init; }

    /// <summary>Member name → [N × classes] validated probabilities, one per answering member, in arm order.</summary>
    public required IReadOnlyList<KeyValuePair<string, float[]>> Outputs { get; init; }

    public required int BatchSize { get; init; }

    public int Classes { get; init; } = OutputValidator.Classes;
}
