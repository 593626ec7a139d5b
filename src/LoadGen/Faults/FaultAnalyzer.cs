using EnsembleGrpc.LoadGen.Load;
using EnsembleGrpc.LoadGen.Measurement;

namespace EnsembleGrpc.LoadGen.Faults;

/// <summary>
/// Splits the records of a fault run by intended send time into before / during / after the fault, and into
/// timeline slices: success rate, fallback rate and p99 inside and outside the window.
/// </summary>
public sealed class FaultAnalyzer(LoadClock clock, RecordAnalyzer analyzer)
{
    public FaultReport Analyze(string fault, IReadOnlyList<RequestRecord> records, long measureStart, long measureEnd, long began, long ended, TimeSpan slice, string? error = null)
    {
        var before = records.Where(r => r.Intended < began).ToList();
        var during = records.Where(r => r.Intended >= began && r.Intended < ended).ToList();
        var after = records.Where(r => r.Intended >= ended).ToList();
        var outside = before.Concat(after).ToList();
        double Seconds(long from, long to) => Math.Max(0, clock.ToSeconds(to - from));

        var sliceTicks = Math.Max(1, clock.ToTicks(slice));
        var timeline = records
            .GroupBy(r => Math.Max(0, (r.Intended - measureStart) / sliceTicks))
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var s = analyzer.Summarize("slice", "timeline", g.ToList(), clock.ToSeconds(sliceTicks));
                return new TimelinePoint(clock.ToSeconds(g.Key * sliceTicks), s.Requests, s.SuccessRate, s.FallbackRate, s.Latency.P50Ms, s.Latency.P99Ms);
            })
            .ToList();

        return new FaultReport
        {
            Fault = fault,
            BeganAtSeconds = clock.ToSeconds(began - measureStart),
            EndedAtSeconds = clock.ToSeconds(ended - measureStart),
            Error = error,
            Before = analyzer.Summarize("before fault", "fault", before, Seconds(measureStart, began)),
            During = analyzer.Summarize("during fault", "fault", during, Seconds(began, ended)),
            After = analyzer.Summarize("after fault", "fault", after, Seconds(ended, measureEnd)),
            Outside = analyzer.Summarize("outside fault", "fault", outside, Seconds(measureStart, began) + Seconds(ended, measureEnd)),
            Timeline = timeline,
        };
    }
}
