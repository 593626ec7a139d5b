using EnsembleGrpc.Router.Rollouts.Simulation;

namespace EnsembleGrpc.Router.Tests.Rollouts.Simulation;

/// <summary>
/// Small, seeded versions of the README's simulator figures (bench/RolloutSim prints the full ones): the same
/// decision code as the controller, looked at after every request.
/// </summary>
public sealed class RolloutSimulatorTests
{
    [Fact]
    public void Identical_arms_monitored_after_every_request_rarely_roll_back_while_a_naive_z_test_inflates()
    {
        var scenario = new SimulationScenario { BaselineAccuracy = 0.98, CandidateAccuracy = 0.98, MaxRequests = 5000 };

        var summary = SimulationSummary.Of(scenario, runs: 120, seed: 1000);

        Assert.True(summary.RollbackShare <= 0.05 + 2 * Math.Max(summary.StandardError, 0.015), $"A/A rollback share {summary.RollbackShare}");
        Assert.True(summary.NaiveShare >= 2 * 0.05, $"naive z-test share {summary.NaiveShare}: the harness must see peeking's inflation");
    }

    [Fact]
    public void A_candidate_two_points_worse_at_ten_percent_is_rolled_back()
    {
        var scenario = new SimulationScenario { BaselineAccuracy = 0.98, CandidateAccuracy = 0.96, MaxRequests = 30_000, LookEvery = 10 };

        var summary = SimulationSummary.Of(scenario, runs: 60, seed: 2000);

        Assert.True(summary.RollbackShare >= 0.8, $"power {summary.RollbackShare}");
    }

    [Fact]
    public void A_seed_gives_the_same_run()
    {
        var scenario = new SimulationScenario { BaselineAccuracy = 0.98, CandidateAccuracy = 0.95, MaxRequests = 5000 };

        Assert.Equal(RolloutSimulator.Run(scenario, new Random(9)), RolloutSimulator.Run(scenario, new Random(9)));
    }
}
