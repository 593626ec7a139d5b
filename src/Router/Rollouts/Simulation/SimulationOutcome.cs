namespace EnsembleGrpc.Router.Rollouts.Simulation;

/// <summary>One simulated run: whether the rollout rolled back, after how many requests (both arms), and why.</summary>
public sealed record SimulationOutcome(bool RolledBack, long Requests, string Reason)
{
    /// <summary>Whether a naive two-sided z-test at 0.05, looked at with the same cadence, would have declared a difference.</summary>
    public bool NaiveZTestDeclared { get; init; }
}
