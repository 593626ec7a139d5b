namespace EnsembleGrpc.Router.Rollouts.Simulation;

/// <summary>Many runs of one scenario: the rollback share with its standard error, the naive z-test's share, and when rollbacks came.</summary>
public sealed record SimulationSummary(int Runs, double RollbackShare, double StandardError, double NaiveShare, long MedianRequestsToRollback, long P80RequestsToRollback)
{
    /// <summary>Runs <paramref name="runs"/> seeded streams (seed, seed + 1, …) of <paramref name="scenario"/>.</summary>
    public static SimulationSummary Of(SimulationScenario scenario, int runs, int seed)
    {
        var outcomes = Enumerable.Range(0, runs).Select(r => RolloutSimulator.Run(scenario, new Random(seed + r))).ToList();
        double share = outcomes.Count(o => o.RolledBack) / (double)runs;
        // Requests to rollback, a run that never rolled back counting as "beyond the horizon".
        var times = outcomes.Select(o => o.RolledBack ? o.Requests : long.MaxValue).Order().ToList();
        return new SimulationSummary(
            runs,
            share,
            Math.Sqrt(share * (1 - share) / runs),
            outcomes.Count(o => o.NaiveZTestDeclared) / (double)runs,
            times[(runs - 1) / 2],
            times[(int)Math.Ceiling(0.8 * runs) - 1]);
    }
}
