using System.Globalization;
using TransportBench.Measurement;
using TransportBench.Report;

namespace TransportBench.Run;

/// <summary>The `run` table (one row per scenario, medians) and its paired ratios.</summary>
internal static class RunReport
{
    public static void Print(List<Scenario> scenarios, BenchOptions o)
    {
        string[] header = ["scenario", "calls/s", "(min-max)", "p50 us", "p99 us", "client B/call", "client CPU us/call", "server B/call", "server CPU us/call", "failed"];
        var rows = scenarios.Select(s => new[]
        {
            s.Name,
            TextTable.F(s.Median(r => r.Rps)),
            $"{TextTable.F(s.Min(r => r.Rps))}-{TextTable.F(s.Max(r => r.Rps))}",
            TextTable.F(s.Median(r => r.P50Us), "0.0"),
            TextTable.F(s.Median(r => r.P99Us), "0.0"),
            TextTable.F(s.Median(r => r.ClientBytesPerCall)),
            TextTable.F(s.Median(r => r.ClientCpuUsPerCall), "0.0"),
            TextTable.F(s.Median(r => r.ServerBytesPerCall)),
            TextTable.F(s.Median(r => r.ServerCpuUsPerCall), "0.0"),
            s.Failed.ToString(CultureInfo.InvariantCulture),
        }).ToList();
        Console.Write(TextTable.Render(header, rows));
        Console.WriteLine();

        Scenario? S(string key) => scenarios.FirstOrDefault(s => s.Key == key);
        void Ratio(string label, string a, string b, Func<Rep, double?> field)
        {
            if (S(a) is { } sa && S(b) is { } sb)
            {
                Console.WriteLine(TextTable.RatioLine(label, Stats.Ratio(sa, sb, field)));
            }
        }

        var n = o.Concurrency;
        Console.WriteLine("ratios (median of the per-repetition ratios, min-max):");
        foreach (var c in o.H2loadConns)
        {
            Ratio($"Grpc.Net.Client {n}-concurrent / h2load -c {c} -m {n} (calls/s)", "ours-conc", Peers.H2loadRun.Key("ours", c), r => r.Rps);
        }

        Ratio($"python {n}-in-flight / Grpc.Net.Client {n}-concurrent (calls/s)", "python-conc", "ours-conc", r => r.Rps);
        Ratio("python sequential / Grpc.Net.Client sequential (calls/s)", "python-seq", "ours-seq", r => r.Rps);
        Ratio("python sequential p50 / Grpc.Net.Client sequential p50 (latency)", "python-seq", "ours-seq", r => r.P50Us);
        Ratio($"Grpc.Net.Client {n}-concurrent / sequential (calls/s)", "ours-conc", "ours-seq", r => r.Rps);
        Console.WriteLine();
        Console.WriteLine("B/call: bytes allocated per call (GC.GetTotalAllocatedBytes(true) delta / calls) in that process;");
        Console.WriteLine("server figures come from the server process's own counters read just before and after each repetition;");
        Console.WriteLine("CPU us/call: process CPU time (all threads) / calls. h2load does not read grpc-status: its successes are checked");
        Console.WriteLine("against the server handler's own call count (a mismatch is counted as failed).");
    }
}
