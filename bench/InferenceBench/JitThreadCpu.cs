using System.Globalization;

namespace InferenceBench;

/// <summary>
/// CPU time of a .NET process's tiered-compilation thread (".NET Tiered Com" in /proc/&lt;pid&gt;/task/*/comm): the
/// background thread that recompiles hot methods at tier 1. While it is busy the process is still warming up.
/// </summary>
internal static class JitThreadCpu
{
    private const string ThreadName = ".NET Tiered Com";

    // /proc reports thread times in USER_HZ, 100 per second on Linux whatever the kernel's own tick rate.
    private const double TicksPerSecond = 100;

    /// <summary>
    /// CPU seconds so far of each tiered-compilation thread of <paramref name="pid"/>, by thread id (the runtime ends
    /// the thread after a few idle seconds and starts a new one when needed). Empty when there is none or /proc is unreadable.
    /// </summary>
    public static IReadOnlyDictionary<int, double> Read(int pid)
    {
        var result = new Dictionary<int, double>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') != ThreadName
                    || ReadCpuSeconds(Path.Combine(task, "stat")) is not { } seconds)
                {
                    continue;
                }

                result[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = seconds;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The process or a thread went away while we read: what was read stands.
        }

        return result;
    }

    /// <summary>CPU seconds between two reads; a thread that appeared counts from zero, one that ended is lost (it idled before it ended).</summary>
    public static double Between(IReadOnlyDictionary<int, double> before, IReadOnlyDictionary<int, double> after) =>
        after.Sum(t => Math.Max(0, t.Value - before.GetValueOrDefault(t.Key)));

    // utime and stime are fields 14 and 15; the name (field 2) is in parentheses and may hold spaces.
    private static double? ReadCpuSeconds(string statPath)
    {
        var stat = File.ReadAllText(statPath);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 12
            ? (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond
            : null;
    }
}
