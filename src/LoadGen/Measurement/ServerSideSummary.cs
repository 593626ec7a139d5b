using EnsembleGrpc.LoadGen.Backend;

namespace EnsembleGrpc.LoadGen.Measurement;

/// <summary>
/// What one server says it did during a step: the difference of its ModelStatistics before and after, as time
/// per request spent queued and computing (input + infer + output), and the mean batch it executed.
/// </summary>
public sealed record ServerSideSummary
{
    public required string Source { get; init; }

    public ulong Requests { get; init; }

    public ulong Inferences { get; init; }

    public ulong Executions { get; init; }

    public ulong Failures { get; init; }

    public double QueueUsPerRequest { get; init; }

    public double ComputeUsPerRequest { get; init; }

    public double InferUsPerRequest { get; init; }

    public double MeanBatch { get; init; }

    public static ServerSideSummary Delta(ModelStatisticsSnapshot before, ModelStatisticsSnapshot after)
    {
        static ulong D(ulong a, ulong b) => b >= a ? b - a : 0;

        var requests = D(before.SuccessCount, after.SuccessCount);
        var executions = D(before.ExecutionCount, after.ExecutionCount);
        var inferences = D(before.InferenceCount, after.InferenceCount);
        double PerRequest(ulong ns) => requests == 0 ? 0 : ns / 1000.0 / requests;
        var compute = D(before.ComputeInputNs, after.ComputeInputNs) + D(before.ComputeInferNs, after.ComputeInferNs) + D(before.ComputeOutputNs, after.ComputeOutputNs);
        return new ServerSideSummary
        {
            Source = after.Source,
            Requests = requests,
            Inferences = inferences,
            Executions = executions,
            Failures = D(before.FailCount, after.FailCount),
            QueueUsPerRequest = PerRequest(D(before.QueueNs, after.QueueNs)),
            ComputeUsPerRequest = PerRequest(compute),
            InferUsPerRequest = PerRequest(D(before.ComputeInferNs, after.ComputeInferNs)),
            MeanBatch = executions == 0 ? 0 : inferences / (double)executions,
        };
    }
}
