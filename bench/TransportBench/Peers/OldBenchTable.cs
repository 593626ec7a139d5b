using System.Globalization;
using TransportBench.Measurement;

namespace TransportBench.Peers;

/// <summary>
/// Reads the old bench's printed table (it writes no JSON): the header row names the columns ("scenario", "calls/s",
/// "p50 us", "p99 us", "client B/call", "client CPU us/call", "server B/call", "server CPU us/call", "failed"), cells
/// are separated by " | ", "-" is no value; its own client's rows start "ours -> ours, sequential" and
/// "ours -> ours, N concurrent". Columns are found by name, so a reordered table still reads right.
/// </summary>
internal static class OldBenchTable
{
    public static (Rep Sequential, Rep Concurrent) Parse(string stdout)
    {
        var lines = stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        var headerIndex = Array.FindIndex(lines, l => Cells(l) is ["scenario", ..]);
        if (headerIndex < 0)
        {
            throw new FormatException("the old bench printed no table (no \"scenario | ...\" header):\n" + stdout);
        }

        var header = Cells(lines[headerIndex]);
        var rows = lines.Skip(headerIndex + 2).TakeWhile(l => l.Contains(" | ", StringComparison.Ordinal)).Select(Cells).ToArray();
        string[] Row(string kind) => rows.FirstOrDefault(r => r[0].StartsWith("ours -> ours", StringComparison.Ordinal) && r[0].Contains(kind, StringComparison.Ordinal))
            ?? throw new FormatException($"the old bench's table has no \"ours -> ours, {kind}\" row:\n" + stdout);
        return (ToRep(header, Row("sequential")), ToRep(header, Row("concurrent")));
    }

    private static Rep ToRep(string[] header, string[] row)
    {
        double? Get(string column)
        {
            var i = Array.IndexOf(header, column);
            return i < 0 || i >= row.Length || !double.TryParse(row[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? null : v;
        }

        return new Rep(
            Get("calls/s") ?? throw new FormatException("the old bench's row has no calls/s: " + string.Join(" | ", row)),
            Calls: 0,
            P50Us: Get("p50 us"),
            P99Us: Get("p99 us"),
            ClientBytesPerCall: Get("client B/call"),
            ClientCpuUsPerCall: Get("client CPU us/call"),
            ServerBytesPerCall: Get("server B/call"),
            ServerCpuUsPerCall: Get("server CPU us/call"),
            Failed: (long)(Get("failed") ?? 0));
    }

    private static string[] Cells(string line) => line.Split('|').Select(c => c.Trim()).ToArray();
}
