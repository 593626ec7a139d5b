namespace EnsembleGrpc.Router.Rollouts.Bandit;

/// <summary>
/// Draws from Beta(a, b) as X/(X + Y) with X ~ Gamma(a), Y ~ Gamma(b) (Marsaglia and Tsang's squeeze method for shape
/// ≥ 1; shape &lt; 1 boosted by U^(1/shape)). The Random is injected, so a seeded bandit is reproducible.
/// </summary>
public static class BetaSampler
{
    public static double Next(double a, double b, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double x = Gamma(a, random);
        double y = Gamma(b, random);
        return x / (x + y);
    }

    private static double Gamma(double shape, Random random)
    {
        if (shape < 1)
        {
            return Gamma(shape + 1, random) * Math.Pow(1 - random.NextDouble(), 1 / shape);
        }

        double d = shape - 1.0 / 3;
        double c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double z = Normal(random);
            double v = 1 + c * z;
            if (v <= 0)
            {
                continue;
            }

            v = v * v * v;
            double u = 1 - random.NextDouble();
            if (Math.Log(u) < 0.5 * z * z + d - d * v + d * Math.Log(v))
            {
                return d * v;
            }
        }
    }

    private static double Normal(Random random)
    {
        // Box-Muller; one of the pair is enough here.
        double u1 = 1 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
