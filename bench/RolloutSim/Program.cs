using System.Globalization;
using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Rollouts.Simulation;
using EnsembleGrpc.Router.Rollouts.Statistics;

// The README's simulator figures: the rollout's own decision rule on synthetic labelled streams, seeded.
//   dotnet run -c Release --project bench/RolloutSim -- [runs (1000)] [A/A horizon (20000)]
int runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
int horizon = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000;
long planned = TwoProportionZTest.PlannedTotal(0.98, 0.96, 0.10, 0.05, 0.8);
var accuracyOnly = new SimulationScenario { BaselineAccuracy = 0.98, CandidateAccuracy = 0.98 }.Canary;
var allGuardrails = accuracyOnly with { Guardrails = null };

Console.WriteLine(FormattableString.Invariant($"Rollout simulator: {runs} seeded runs per row, candidate at 10 %, every request labelled, alpha 0.05, tau 0.02, delta 0.005."));
Console.WriteLine();
Console.WriteLine("| scenario | guardrails (Holm m) | looks | rolled back | naive z-test declared | median n to rollback | 80th pct n |");
Console.WriteLine("|---|---|---|---|---|---|---|");
Row("A/A 0.98 vs 0.98", "accuracy (1)", new SimulationScenario { BaselineAccuracy = 0.98, CandidateAccuracy = 0.98, MaxRequests = horizon, Canary = accuracyOnly }, runs, 1);
Row("A/A 0.90 vs 0.90", "accuracy (1)", new SimulationScenario { BaselineAccuracy = 0.90, CandidateAccuracy = 0.90, MaxRequests = horizon, Canary = accuracyOnly }, runs, 2);
Row("2 points worse, 0.98 vs 0.96", "accuracy (1)", new SimulationScenario { BaselineAccuracy = 0.98, CandidateAccuracy = 0.96, MaxRequests = 40_000, Canary = accuracyOnly }, runs, 3);
Row("2 points worse, 0.98 vs 0.96", "all six (6)", new SimulationScenario { BaselineAccuracy = 0.98, CandidateAccuracy = 0.96, MaxRequests = 40_000, Canary = allGuardrails }, runs, 4);
Console.WriteLine();
Console.WriteLine(FormattableString.Invariant($"Fixed-horizon z-test sample for the same drop at 10 % (alpha 0.05, power 0.8): {planned} requests."));

static void Row(string name, string guardrails, SimulationScenario scenario, int runs, int seed)
{
    var s = SimulationSummary.Of(scenario, runs, seed * 100_000);
    static string N(long n) => n == long.MaxValue ? "not within horizon" : n.ToString(CultureInfo.InvariantCulture);
    Console.WriteLine(FormattableString.Invariant(
        $"| {name} | {guardrails} | every request up to {scenario.MaxRequests} | {s.RollbackShare:P1} ± {s.StandardError:P1} | {s.NaiveShare:P1} | {N(s.MedianRequestsToRollback)} | {N(s.P80RequestsToRollback)} |"));
}
