using EnsembleGrpc.LoadGen.Backend;

namespace EnsembleGrpc.LoadGen.Tests.Fakes;

/// <summary>
/// A server that only answers ModelStatistics: each of its models serves a steady number of requests per second of
/// the virtual clock, each with fixed queue and compute times; null (UNIMPLEMENTED) when it has no models, and null for
/// a model it does not serve.
/// </summary>
internal sealed class FakeStatisticsServer(VirtualClock clock, string address, params FakeModel[] models) : IInferenceBackend
{
    public ValueTask<InferOutcome> InferAsync(InferRequestData request, CancellationToken cancellationToken) => throw new NotSupportedException();

    public ValueTask<MetadataOutcome> GetMetadataAsync(string model, string? version, CancellationToken cancellationToken) => throw new NotSupportedException();

    public ValueTask<IReadOnlyList<ModelStatisticsSnapshot>?> GetStatisticsAsync(string? model, string? version, CancellationToken cancellationToken)
    {
        var seconds = clock.Now / 1e9;
        var served = models.Where(m => string.IsNullOrEmpty(model) || m.Name == model).Select(m =>
        {
            var requests = (ulong)Math.Round(seconds * m.RequestsPerSecond);
            return new ModelStatisticsSnapshot
            {
                Source = address,
                Model = m.Name,
                SuccessCount = requests,
                SuccessNs = requests * (m.QueueUs + m.InputUs + m.InferUs + m.OutputUs + m.OverheadUs) * 1000,
                InferenceCount = requests * m.Batch,
                ExecutionCount = requests,
                QueueNs = requests * m.QueueUs * 1000,
                ComputeInputNs = requests * m.InputUs * 1000,
                ComputeInferNs = requests * m.InferUs * 1000,
                ComputeOutputNs = requests * m.OutputUs * 1000,
            };
        }).ToList();
        return ValueTask.FromResult<IReadOnlyList<ModelStatisticsSnapshot>?>(served.Count == 0 ? null : served);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>One model of <see cref="FakeStatisticsServer"/>: its load and its per-request times in µs.</summary>
internal sealed record FakeModel(string Name, double RequestsPerSecond, ulong QueueUs, ulong InputUs, ulong InferUs, ulong OutputUs, ulong OverheadUs = 0, ulong Batch = 1);
