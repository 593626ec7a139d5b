namespace EnsembleGrpc.LoadGen.Load;

/// <summary>How an open loop spaces its sends: intervals in seconds at a mean rate.</summary>
public abstract class ArrivalSchedule
{
    private double _offset;

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

    /// <summary>
    /// Seconds from the start of the schedule to the next intended send (0 for the first). Summing intervals lets
    /// rounding drift over a long step; a schedule that can compute the offset directly overrides this.
    /// </summary>
    public virtual double NextOffset()
    {
        var offset = _offset;
        _offset += NextInterval();
        return offset;
    }

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
    private long _index;

    public override string Name => "constant";

    public override double NextInterval() => 1.0 / Rate;

    /// <summary>The n-th send leaves at exactly n / rate: no accumulated rounding at any rate.</summary>
    public override double NextOffset() => _index++ / Rate;
}

/// <summary>A Poisson process: exponential intervals drawn from an injected, seeded <see cref="Random"/>.</summary>
public sealed class PoissonArrivals(double rate, Random random) : ArrivalSchedule(rate)
{
    public override string Name => "poisson";

    public override double NextInterval() => -Math.Log(1.0 - random.NextDouble()) / Rate;
}
