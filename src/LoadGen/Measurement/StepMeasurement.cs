using EnsembleGrpc.LoadGen.Load;

namespace EnsembleGrpc.LoadGen.Measurement;

/// <summary>A measured step: its summary and the records it was computed from (kept for fault analysis).</summary>
public sealed record StepMeasurement(StepSummary Summary, IReadOnlyList<RequestRecord> Records, long MeasureStart, bool Aborted);
