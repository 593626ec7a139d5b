namespace TransportBench.Measurement;

/// <summary>One repetition's figures; null where a scenario cannot measure that figure.</summary>
internal sealed record Rep(
    double Rps,
    long Calls,
    double? P50Us = null,
    double? P99Us = null,
    double? ClientBytesPerCall = null,
    double? ClientCpuUsPerCall = null,
    double? ServerBytesPerCall = null,
    double? ServerCpuUsPerCall = null,
    long Failed = 0,
    long? ServerCalls = null)
{
    /// <summary>This repetition with the server's figures from its counters read just before and after it.</summary>
    public Rep WithServer(ServerStats before, ServerStats after)
    {
        var calls = after.Calls - before.Calls;
        return calls <= 0 ? this : this with
        {
            ServerCalls = calls,
            ServerBytesPerCall = (double)(after.Allocated - before.Allocated) / calls,
            ServerCpuUsPerCall = (after.CpuMs - before.CpuMs) * 1000 / calls,
        };
    }
}
