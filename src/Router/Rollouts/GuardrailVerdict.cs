namespace EnsembleGrpc.Router.Rollouts;

/// <summary>A guardrail's reading at one look. No data is its own state, never read as a pass or a failure.</summary>
public enum GuardrailVerdict
{
    Pass,
    Fail,
    InsufficientData,
}
