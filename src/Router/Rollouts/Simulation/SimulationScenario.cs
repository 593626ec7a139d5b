using EnsembleGrpc.Router.Configuration;

namespace EnsembleGrpc.Router.Rollouts.Simulation;

/// <summary>
/// One synthetic stream: every request is labelled at once; the candidate gets <see cref="CandidatePercent"/> of
/// them; each arm answers correctly with its accuracy. The rollout is held on its first step (the step never ends),
/// so only the guardrails decide, and it is looked at after every <see cref="LookEvery"/> requests.
/// </summary>
public sealed record SimulationScenario
{
    public required double BaselineAccuracy { get; init; }

    public required double CandidateAccuracy { get; init; }

    public int CandidatePercent { get; init; } = 10;

    public int MaxRequests { get; init; } = 20_000;

    public int LookEvery { get; init; } = 1;

    /// <summary>The rollout's settings; its steps and min samples are replaced so the first step never ends.</summary>
    public CanaryConfig Canary { get; init; } = new()
    {
        Baseline = "baseline",
        Candidate = "candidate",
        Guardrails = new CanaryGuardrailsConfig { Disabled = ["error_rate", "fallback_rate", "latency", "agreement"] },
    };
}
