namespace EnsembleGrpc.Router.Ensemble;

/// <summary>A strategy's answer ([N × classes] probabilities and N predicted classes), or why it could not complete.</summary>
public sealed record AggregationResult
{
    public float[]? Probabilities { get; init; }

    public int[]? Predictions { get; init; }

    public string? FailureReason { get; init; }

    public bool Succeeded => Probabilities is not null && Predictions is not null;

    public static AggregationResult Success(float[] probabilities, int[] predictions) =>
        new() { Probabilities = probabilities, Predictions = predictions };

    /// <summary>Predictions are the argmax of each row (first index on ties).</summary>
    public static AggregationResult FromProbabilities(float[] probabilities, int batchSize, int classes) =>
        Success(probabilities, Argmax.Rows(probabilities, batchSize, classes));

    public static AggregationResult Failed(string reason) => new() { FailureReason = reason };
}
