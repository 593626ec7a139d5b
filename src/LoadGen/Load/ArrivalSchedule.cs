namespace EnsembleGrpc.LoadGen.Load;

/// <summary>How an open loop spaces its sends: intervals in seconds at a mean rate.</summary>
public abstract class ArrivalSchedule
{
    protected ArrivalSchedule(double rate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(rate, 0);
        Rate = rate;
    }

    /// <summary>Mean requests per second.</summary>
    public double Rate { get; }

    public abstract string Name { get; }

    /// <summary>Seconds from one intended send to the next.</summary>
    public abstract double NextInterval();

    public static ArrivalSchedule Create(ArrivalKind kind, double rate, Random random) => kind switch
    {
        ArrivalKind.Constant => new ConstantArrivals(rate),
        ArrivalKind.Poisson => new PoissonArrivals(rate, random),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}

public enum ArrivalKind
{
    Constant,
    Poisson,
}

/// <summary>Evenly spaced sends.</summary>
public sealed class ConstantArrivals(double rate) : ArrivalSchedule(rate)
{
    public override string Name => "constant";

    public override double NextInterval() => 1.0 / Rate;
}

/// <summary>A Poisson process: exponential intervals drawn from an injected, seeded <see cref="Random"/>.</summary>
public sealed class PoissonArrivals(double rate, Random random) : ArrivalSchedule(rate)
{
    public override string Name => "poisson";

    public override double NextInterval() => -Math.Log(1.0 - random.NextDouble()) / Rate;
}
