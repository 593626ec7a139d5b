using EnsembleGrpc.Router.Rollouts.Bandit;
using EnsembleGrpc.Router.Rollouts.Statistics;

namespace EnsembleGrpc.Router.Tests.Rollouts.Bandit;

public sealed class ThompsonSharesTests
{
    private static readonly ThompsonOptions Options = new() { Draws = 4000 };

    [Fact]
    public void Beta_draws_have_the_posterior_mean()
    {
        var random = new Random(3);
        double mean = Enumerable.Range(0, 20_000).Average(_ => BetaSampler.Next(30, 10, random));

        Assert.Equal(0.75, mean, 2);
        Assert.Equal(0.5, Enumerable.Range(0, 20_000).Average(_ => BetaSampler.Next(0.5, 0.5, random)), 1);
    }

    [Fact]
    public void The_better_arm_grows_by_at_most_the_cap_and_every_arm_keeps_the_floor()
    {
        BinomialCounts[] arms = [new(900, 1000), new(960, 1000), new(880, 1000)];
        double[] shares = [1 / 3.0, 1 / 3.0, 1 / 3.0];

        for (int update = 0; update < 20; update++)
        {
            var next = ThompsonShares.Next(arms, shares, Options, new Random(update));
            Assert.All(next.Zip(shares), p => Assert.True(Math.Abs(p.First - p.Second) <= 0.1 + 1e-9));
            Assert.All(next, s => Assert.True(s >= 0.05 - 1e-9));
            Assert.Equal(1, next.Sum(), 9);
            shares = next;
        }

        Assert.True(shares[1] > 0.85, $"best arm share {shares[1]}");
        Assert.Equal(0.05, shares[0], 2);
    }

    [Fact]
    public void Shares_do_not_move_before_every_arm_has_its_minimum_feedback()
    {
        double[] shares = [0.5, 0.5];

        Assert.Equal(shares, ThompsonShares.Next([new(99, 99), new(1, 50)], shares, Options, new Random(1)));
    }

    [Fact]
    public void Equal_arms_keep_near_equal_shares_and_a_seed_repeats()
    {
        BinomialCounts[] arms = [new(950, 1000), new(950, 1000)];
        var first = ThompsonShares.Next(arms, [0.5, 0.5], Options, new Random(8));

        Assert.InRange(first[0], 0.45, 0.55);
        Assert.Equal(first, ThompsonShares.Next(arms, [0.5, 0.5], Options, new Random(8)));
    }
}
