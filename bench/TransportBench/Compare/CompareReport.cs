using System.Globalization;
using TransportBench.Measurement;
using TransportBench.Report;

namespace TransportBench.Compare;

/// <summary>The comparison's tables (per pairing; h2load per server) and the new/old ratios of paired repetitions.</summary>
internal static class CompareReport
{
    public static void Print(IReadOnlyList<Pairing> pairings, BenchOptions o)
    {
        var n = o.Concurrency;
        string H2(Pairing p, int c) => TextTable.MedianRange(p.H2load?.Scenarios.First(s => s.Key.EndsWith($"-c{c}", StringComparison.Ordinal)), r => r.Rps);
        List<string> header = ["pairing", "seq p50 us", "seq p99 us", $"calls/s @{n} (min-max)"];
        header.AddRange(o.SkipH2load ? [] : o.H2loadConns.Select(c => $"h2load -c{c} (min-max)"));
        header.AddRange([$"client B/call", "client CPU us/call", "server B/call", "server CPU us/call", "failed"]);
        var rows = pairings.Select(p =>
        {
            List<string> cells =
            [
                p.Name,
                TextTable.F(p.Sequential.Median(r => r.P50Us), "0.0"),
                TextTable.F(p.Sequential.Median(r => r.P99Us), "0.0"),
                TextTable.MedianRange(p.Concurrent, r => r.Rps),
            ];
            cells.AddRange(o.SkipH2load ? [] : o.H2loadConns.Select(c => H2(p, c)));
            cells.AddRange(
            [
                TextTable.F(p.Concurrent.Median(r => r.ClientBytesPerCall)),
                TextTable.F(p.Concurrent.Median(r => r.ClientCpuUsPerCall), "0.0"),
                TextTable.F(p.Concurrent.Median(r => r.ServerBytesPerCall)),
                TextTable.F(p.Concurrent.Median(r => r.ServerCpuUsPerCall), "0.0"),
                (p.Sequential.Failed + p.Concurrent.Failed + (p.H2load?.Scenarios.Sum(s => s.Failed) ?? 0)).ToString(CultureInfo.InvariantCulture),
            ]);
            return cells.ToArray();
        }).ToList();
        Console.Write(TextTable.Render(header, rows));
        Console.WriteLine($"(B/call and CPU us/call: the {n}-concurrent phase; h2load columns: h2load -m {n} against that row's server)");
        Console.WriteLine();
        PrintH2loadServerCost(pairings);
        PrintRatios(pairings[0], pairings[1], pairings[2], o);
    }

    private static void PrintH2loadServerCost(IReadOnlyList<Pairing> pairings)
    {
        var rows = pairings.Where(p => p.H2load is not null).SelectMany(p => p.H2load!.Scenarios).Select(s => new[]
        {
            s.Name,
            TextTable.MedianRange(s, r => r.Rps),
            TextTable.F(s.Median(r => r.ServerBytesPerCall)),
            TextTable.F(s.Median(r => r.ServerCpuUsPerCall), "0.0"),
            s.Failed.ToString(CultureInfo.InvariantCulture),
        }).ToList();
        if (rows.Count > 0)
        {
            Console.Write(TextTable.Render(["h2load (server cost without a .NET client)", "calls/s (min-max)", "server B/call", "server CPU us/call", "failed"], rows));
            Console.WriteLine();
        }
    }

    private static void PrintRatios(Pairing newNew, Pairing newOld, Pairing oldOld, BenchOptions o)
    {
        var n = o.Concurrency;
        static void Line(string label, Scenario a, Scenario b, Func<Rep, double?> field) => Console.WriteLine(TextTable.RatioLine(label, Stats.Ratio(a, b, field)));

        Console.WriteLine("ratios new/old (median of the per-repetition ratios, min-max; < 1 is better for latency, B and CPU, > 1 for calls/s):");
        Console.WriteLine(" server: Grpc.AspNetCore / old server, same client (Grpc.Net.Client, h2load)");
        Line("seq p50", newNew.Sequential, newOld.Sequential, r => r.P50Us);
        Line("seq p99", newNew.Sequential, newOld.Sequential, r => r.P99Us);
        Line($"calls/s @{n}", newNew.Concurrent, newOld.Concurrent, r => r.Rps);
        Line($"server B/call @{n}", newNew.Concurrent, newOld.Concurrent, r => r.ServerBytesPerCall);
        Line($"server CPU us/call @{n}", newNew.Concurrent, newOld.Concurrent, r => r.ServerCpuUsPerCall);
        if (newNew.H2load is { } h2New && newOld.H2load is { } h2Old)
        {
            foreach (var (a, b) in h2New.Scenarios.Zip(h2Old.Scenarios))
            {
                var c = a.Key[(a.Key.LastIndexOf('c') + 1)..];
                Line($"h2load -c {c} calls/s", a, b, r => r.Rps);
                Line($"h2load -c {c} server B/call", a, b, r => r.ServerBytesPerCall);
                Line($"h2load -c {c} server CPU us/call", a, b, r => r.ServerCpuUsPerCall);
            }
        }

        Console.WriteLine(" client: Grpc.Net.Client / old client, both against an old server");
        Line("seq p50", newOld.Sequential, oldOld.Sequential, r => r.P50Us);
        Line("seq p99", newOld.Sequential, oldOld.Sequential, r => r.P99Us);
        Line($"calls/s @{n}", newOld.Concurrent, oldOld.Concurrent, r => r.Rps);
        Line($"client B/call @{n}", newOld.Concurrent, oldOld.Concurrent, r => r.ClientBytesPerCall);
        Line($"client CPU us/call @{n}", newOld.Concurrent, oldOld.Concurrent, r => r.ClientCpuUsPerCall);
        Console.WriteLine(" whole stack: Grpc.Net.Client -> Grpc.AspNetCore / old client -> old server");
        Line("seq p50", newNew.Sequential, oldOld.Sequential, r => r.P50Us);
        Line("seq p99", newNew.Sequential, oldOld.Sequential, r => r.P99Us);
        Line($"calls/s @{n}", newNew.Concurrent, oldOld.Concurrent, r => r.Rps);
        Console.WriteLine();
        Console.WriteLine("B/call: GC.GetTotalAllocatedBytes(true) delta / calls in that process; CPU us/call: process CPU time (all threads) / calls;");
        Console.WriteLine("server figures from the server process's own counters read just before and after each phase. The old client's row");
        Console.WriteLine("comes from the old bench's own table (one repetition in a fresh process, against the old server it starts itself).");
        Console.WriteLine("h2load does not read grpc-status: its successes are checked against the server handler's own call count.");
    }
}
