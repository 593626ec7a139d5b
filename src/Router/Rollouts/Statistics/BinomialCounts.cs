namespace EnsembleGrpc.Router.Rollouts.Statistics;

/// <summary>Events out of trials for one arm (errors of requests, correct of labelled rows, agreements of compared rows).</summary>
public readonly record struct BinomialCounts(long Events, long Trials)
{
    /// <summary>Events / trials; NaN before any trial (never 0: no data is not a rate).</summary>
    public double Rate => Trials == 0 ? double.NaN : (double)Events / Trials;

    public BinomialCounts Add(BinomialCounts other) => new(Events + other.Events, Trials + other.Trials);
}
