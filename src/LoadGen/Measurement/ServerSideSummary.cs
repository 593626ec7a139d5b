using EnsembleGrpc.LoadGen.Backend;

namespace EnsembleGrpc.LoadGen.Measurement;

/// <summary>
/// What one server says one of its models did during a step: the difference of its ModelStatistics before and after,
/// as time per successful request spent queued and computing (input + infer + output), end to end in the server, and
/// the mean batch it executed.
/// </summary>
public sealed record ServerSideSummary
{
    /// <summary>The server's address.</summary>
    public required string Source { get; init; }

    public string Model { get; init; } = string.Empty;

    public ulong Requests { get; init; }

    public ulong Inferences { get; init; }

    public ulong Executions { get; init; }

    public ulong Failures { get; init; }

    public double QueueUsPerRequest { get; init; }

    public double ComputeUsPerRequest { get; init; }

    public double InputUsPerRequest { get; init; }

    public double InferUsPerRequest { get; init; }

    public double OutputUsPerRequest { get; init; }

    /// <summary>Success time per request: arrival to response in the server (Triton's success duration).</summary>
    public double ServerUsPerRequest { get; init; }

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
            Model = after.Model,
            Requests = requests,
            Inferences = inferences,
            Executions = executions,
            Failures = D(before.FailCount, after.FailCount),
            QueueUsPerRequest = PerRequest(D(before.QueueNs, after.QueueNs)),
            ComputeUsPerRequest = PerRequest(compute),
            InputUsPerRequest = PerRequest(D(before.ComputeInputNs, after.ComputeInputNs)),
            InferUsPerRequest = PerRequest(D(before.ComputeInferNs, after.ComputeInferNs)),
            OutputUsPerRequest = PerRequest(D(before.ComputeOutputNs, after.ComputeOutputNs)),
            ServerUsPerRequest = PerRequest(D(before.SuccessNs, after.SuccessNs)),
            MeanBatch = executions == 0 ? 0 : inferences / (double)executions,
        };
    }
}
