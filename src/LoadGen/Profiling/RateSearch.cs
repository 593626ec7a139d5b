using EnsembleGrpc.LoadGen.Measurement;

namespace EnsembleGrpc.LoadGen.Profiling;

/// <summary>
/// Binary search for the highest request rate whose p99 stays under a limit (and whose success rate stays above
/// <see cref="MinSuccessRate"/>): probe the low end, then the high end, then halve the interval until it is
/// narrower than <see cref="Precision"/> of its low end or <see cref="MaxProbes"/> rates were measured.
/// </summary>
public sealed record RateSearch(double Low, double High, double P99LimitMs)
{
    public double Precision { get; init; } = 0.05;

    public int MaxProbes { get; init; } = 10;

    public double MinSuccessRate { get; init; } = 0.99;

    public bool Passes(StepSummary step) => step.Succeeded > 0 && step.Latency.P99Ms <= P99LimitMs && step.SuccessRate >= MinSuccessRate;

    public async Task<RateSearchResult> RunAsync(Func<double, CancellationToken, Task<StepSummary>> measure, CancellationToken cancellationToken)
    {
        var probes = new List<RateProbe>();
        async Task<bool> Probe(double rate)
        {
            var step = await measure(rate, cancellationToken).ConfigureAwait(false);
            var passed = Passes(step);
            probes.Add(new RateProbe(rate, passed, step));
            return passed;
        }

        double? best = null;
        if (await Probe(Low).ConfigureAwait(false))
        {
            best = Low;
            if (High > Low && !cancellationToken.IsCancellationRequested)
            {
                if (await Probe(High).ConfigureAwait(false))
                {
                    best = High;
                }
                else
                {
                    double lo = Low, hi = High;
                    while (!cancellationToken.IsCancellationRequested && probes.Count < MaxProbes && (hi - lo) / lo > Precision)
                    {
                        var mid = Math.Round((lo + hi) / 2, 3);
                        if (await Probe(mid).ConfigureAwait(false))
                        {
                            lo = mid;
                        }
                        else
                        {
                            hi = mid;
                        }
                    }

                    best = lo;
                }
            }
        }

        return new RateSearchResult(P99LimitMs, best, probes);
    }
}

/// <summary>One rate the search measured.</summary>
public sealed record RateProbe(double Rate, bool Passed, StepSummary Step);

/// <summary>The highest passing rate (null when even the low end failed) and every probe.</summary>
public sealed record RateSearchResult(double P99LimitMs, double? BestRate, IReadOnlyList<RateProbe> Probes);
