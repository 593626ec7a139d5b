namespace InferenceBench;

/// <summary>Resident memory of a process from /proc/&lt;pid&gt;/status: VmRSS (now) and VmHWM (its peak so far), in kB.</summary>
internal static class ProcStatus
{
    /// <summary>(VmRSS, VmHWM) in kB; null when the process is gone or /proc is not there (not Linux).</summary>
    public static (long RssKb, long HwmKb)? Read(int pid)
    {
        try
        {
            long rss = -1, hwm = -1;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kb(line);
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    hwm = Kb(line);
                }
            }

            return rss < 0 || hwm < 0 ? null : (rss, hwm);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // "VmRSS:	  123456 kB"
    private static long Kb(string line)
        => long.TryParse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var kb) ? kb : -1;
}
