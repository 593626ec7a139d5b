using EnsembleGrpc.Router.Rollouts.Statistics;

namespace EnsembleGrpc.Router.Rollouts.Simulation;

/// <summary>
/// Drives the controller's own decision rule (<see cref="RolloutEvaluator"/>) with synthetic outcomes, seeded, to
/// measure what the README claims: the share of A/A runs that roll back under monitoring after every observation
/// (≤ α), and the share of worse candidates rolled back within n requests (power). Beside it, a naive z-test looked at
/// with the same cadence, to show that the harness can see the inflation that always-valid tests avoid.
/// </summary>
public static class RolloutSimulator
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const int BurnIn = 100;

    public static SimulationOutcome Run(SimulationScenario scenario, Random random)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(random);
        var state = Initial(scenario);
        double share = scenario.CandidatePercent / 100.0;
        long nA = 0, cA = 0, nB = 0, cB = 0;
        bool naive = false;
        SimulationOutcome? rollback = null;
        for (int i = 1; i <= scenario.MaxRequests && !(rollback is not null && naive); i++)
        {
            if (random.NextDouble() < share)
            {
                nB++;
                cB += random.NextDouble() < scenario.CandidateAccuracy ? 1 : 0;
            }
            else
            {
                nA++;
                cA += random.NextDouble() < scenario.BaselineAccuracy ? 1 : 0;
            }

            if (i % scenario.LookEvery != 0)
            {
                continue;
            }

            naive |= NaiveDeclares(nA, cA, nB, cB, BurnIn);
            if (rollback is not null)
            {
                // Rolled back already: only the naive test's horizon is still running.
                continue;
            }

            state = state with { Total = Counts(nA, cA, nB, cB) };
            var evaluation = RolloutEvaluator.Evaluate(state, Start, random, bayesian: false);
            state = state with { PValues = evaluation.PValues };
            if (evaluation.Decision == DecisionKind.RolledBack)
            {
                rollback = new SimulationOutcome(true, i, evaluation.Reason);
            }
        }

        return (rollback ?? new SimulationOutcome(false, scenario.MaxRequests, "")) with { NaiveZTestDeclared = naive };
    }

    private static RolloutState Initial(SimulationScenario scenario) => new()
    {
        Id = "simulation",
        Ensemble = "simulation",
        Config = scenario.Canary with { Steps = [scenario.CandidatePercent, 100], MinSamples = int.MaxValue, MinStepSeconds = 0 },
        Status = RolloutStatus.Running,
        StepIndex = 0,
        StartedAt = Start,
        StepStartedAt = Start,
        StartedBy = "simulator",
    };

    private static RolloutCounts Counts(long nA, long cA, long nB, long cB) => RolloutCounts.Empty with
    {
        Baseline = new ArmTally(nA, 0, 0, nA, cA),
        Candidate = new ArmTally(nB, 0, 0, nB, cB),
    };

    private static bool NaiveDeclares(long nA, long cA, long nB, long cB, int burnIn) =>
        nA >= burnIn && nB >= burnIn
        && TwoProportionZTest.Test(new BinomialCounts(cA, nA), new BinomialCounts(cB, nB), 0.05).TwoSidedPValue < 0.05;
}
