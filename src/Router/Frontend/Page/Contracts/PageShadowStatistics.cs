namespace EnsembleGrpc.Router.Frontend.Page.Contracts;

/// <summary>The shadow arm's copies and how often it agreed with the answer served (rows compared, rows agreed).</summary>
public sealed record PageShadowStatistics(
    string Arm,
    double SamplePercent,
    long Enqueued,
    long Dropped,
    long Completed,
    long Errors,
    long ComparedRows,
    long AgreedRows,
    double Agreement);
