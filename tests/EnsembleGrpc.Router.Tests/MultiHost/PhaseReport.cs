using System.Globalization;

namespace EnsembleGrpc.Router.Tests.MultiHost;

/// <summary>What one phase of the multi-host test measured, as one line of the printed table.</summary>
internal sealed record PhaseReport(string Phase, string Fault, IReadOnlyList<CallOutcome> Outcomes, double FaultyShare, int Ejections, string Link)
{
    public int Failed => Outcomes.Count(o => o.Status is not null);

    public int Degraded => Outcomes.Count(o => o.Status is null && o.Degraded);

    public static string Header => "phase      requests  full  degraded  failed  p50 ms  p99 ms  h2 share  ejections  link";

    public override string ToString()
    {
        var ms = Outcomes.Select(o => o.Milliseconds).Order().ToArray();
        string statuses = string.Join(",", Outcomes.Where(o => o.Status is not null).GroupBy(o => o.Status).Select(g => $"{g.Key}={g.Count()} ({g.First().Reason})"));
        return string.Create(CultureInfo.InvariantCulture,
            $"{Phase,-10} {Outcomes.Count,8} {Outcomes.Count - Failed - Degraded,5} {Degraded,9} {Failed,7}  {Percentile(ms, 0.5),6:F1}  {Percentile(ms, 0.99),6:F1}  {FaultyShare,8:P0}  {Ejections,9}  {Link}{(statuses.Length > 0 ? " failed: " + statuses : "")}  [{Fault}]");
    }

    private static double Percentile(double[] sorted, double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
}
