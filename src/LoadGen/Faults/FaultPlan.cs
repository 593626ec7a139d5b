namespace EnsembleGrpc.LoadGen.Faults;

/// <summary>When the fault happens, as offsets from the start of measurement, and how long the whole run measures.</summary>
public sealed record FaultPlan(TimeSpan Start, TimeSpan Duration, TimeSpan RunDuration)
{
    public TimeSpan End => Start + Duration;
}
