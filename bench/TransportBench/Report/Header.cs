using System.Runtime;
using System.Runtime.InteropServices;

namespace TransportBench.Report;

/// <summary>What a reader needs to judge the figures: the machine, its load when the run started, the runtime, the call.</summary>
internal static class Header
{
    public static void Print(string title, BenchOptions o)
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        Console.WriteLine(title);
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores ({cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}), load average {LoadAverage()}");
        Console.WriteLine($"runtime: {RuntimeInformation.FrameworkDescription}, client GC {(GCSettings.IsServerGC ? "server" : "workstation")}");
        Console.WriteLine($"call: TestService/Echo, {o.Payload}-byte payload; {o.Reps} repetitions, medians reported; all traffic on 127.0.0.1");
    }

    /// <summary>The 1/5/15-minute load averages and run queue (Linux), "?" elsewhere.</summary>
    public static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?";

    public static void Progress(string message) => Console.Error.WriteLine($"  .. {message}");
}
