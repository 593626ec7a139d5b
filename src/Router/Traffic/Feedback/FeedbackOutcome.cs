namespace EnsembleGrpc.Router.Traffic.Feedback;

/// <summary>
/// The outcome of scoring feedback: the arm that answered, its correct rows of this request and its online accuracy
/// after it; or, for a request another replica answered, <see cref="Forwarded"/> (scored there later); or the error
/// with a message for the caller.
/// </summary>
public sealed record FeedbackOutcome
{
    public FeedbackError Error { get; init; }

    public string Message { get; init; } = "";

    public string Ensemble { get; init; } = "";

    public string Arm { get; init; } = "";

    public int Correct { get; init; }

    public int Total { get; init; }

    public double ArmOnlineAccuracy { get; init; }

    /// <summary>Another replica answered the request: the labels wait in the shared store and are scored there.</summary>
    public bool Forwarded { get; init; }

    public bool Succeeded => Error == FeedbackError.None;

    public static FeedbackOutcome Failed(FeedbackError error, string message) => new() { Error = error, Message = message };
}
