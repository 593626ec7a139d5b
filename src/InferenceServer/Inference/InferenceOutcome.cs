namespace EnsembleGrpc.InferenceServer.Inference;

/// <summary>
/// What a scheduler answers: the requested outputs, or an error. Outcomes travel as values so that the batcher
/// never throws through callers and the front end maps every failure in one place.
/// </summary>
public readonly record struct InferenceOutcome
{
    private InferenceOutcome(IReadOnlyList<OutputTensor>? outputs, InferenceError? error)
    {
        Outputs = outputs;
        Error = error;
    }

    /// <summary>The requested outputs, in the requested order; null when <see cref="Error"/> is set.</summary>
    public IReadOnlyList<OutputTensor>? Outputs { get; }

    public InferenceError? Error { get; }

    public bool IsSuccess => Error is null;

    public static InferenceOutcome Success(IReadOnlyList<OutputTensor> outputs) => new(outputs, null);

    public static InferenceOutcome Failure(InferenceError error) => new(null, error);

    public static implicit operator InferenceOutcome(InferenceError error) => Failure(error);
}
