namespace EnsembleGrpc.Router.Engine;

/// <summary>
/// Told once about every request of a resolved ensemble, when the engine counts it (answered, or not): how metrics
/// get per-request latency without the engine knowing about them. Called on the request path, so it must be cheap.
/// </summary>
public interface IRequestObserver
{
    /// <summary>A request answered; <paramref name="arrival"/> and <paramref name="end"/> are TimeProvider timestamps.</summary>
    void Answered(InferenceOutcome outcome, long arrival, long end);

    /// <summary>A request of a resolved ensemble that got no answer.</summary>
    void Failed(InferenceOutcome outcome, long arrival, long end);
}
