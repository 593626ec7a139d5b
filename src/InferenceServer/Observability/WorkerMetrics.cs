using System.Diagnostics.Metrics;
using EnsembleGrpc.InferenceServer.Repository;
using EnsembleGrpc.InferenceServer.Statistics;

namespace EnsembleGrpc.InferenceServer.Observability;

/// <summary>
/// The worker's meter: every instrument is observable, read when Prometheus scrapes from the statistics each model
/// keeps for ModelStatistics anyway (and its queue's length), so the request path does no extra work for metrics.
/// Names and units: README.md, "Metrics".
/// </summary>
public sealed class WorkerMetrics
{
    public const string MeterName = "EnsembleGrpc.InferenceServer";

    private const double SecondsPerNs = 1e-9;

    private readonly ModelManager _models;

    public WorkerMetrics(IMeterFactory meters, ModelManager models)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _models = models;
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("ensemblegrpc.worker.queue.depth", () => PerModel(m => (long)(m.Scheduler?.QueuedCount ?? 0)), null,
            "Requests waiting in a model's queue (not yet in a batch).");
        meter.CreateObservableGauge("ensemblegrpc.worker.model.ready", () => PerModel(m => m.IsReady ? 1L : 0L), null,
            "1 while a model is READY, else 0.");
        meter.CreateObservableCounter("ensemblegrpc.worker.requests", Requests, null,
            "Inference requests of a model by outcome: success, or failure (invalid, rejected, dropped, failed).");
        meter.CreateObservableCounter("ensemblegrpc.worker.request.time", RequestSeconds, "s",
            "Summed time from arrival to answer of a model's requests, by outcome; divide by the requests' rate for the mean.");
        meter.CreateObservableCounter("ensemblegrpc.worker.queue.time", () => PerModel(m => m.Statistics.Snapshot().Queue.Ns * SecondsPerNs), "s",
            "Summed time requests waited in a model's queue before their batch ran.");
        meter.CreateObservableCounter("ensemblegrpc.worker.rejected_overload", () => PerModel(m => m.Statistics.Overloaded), null,
            "Requests refused at once because the model's queue was full (RESOURCE_EXHAUSTED).");
        meter.CreateObservableCounter("ensemblegrpc.worker.inferences", () => PerModel(m => (long)m.Statistics.Snapshot().InferenceCount), null,
            "Rows (images) a model ran, in all batches.");
        meter.CreateObservableCounter("ensemblegrpc.worker.batches", () => PerBatchSize(b => (long)b.ComputeInfer.Count), null,
            "Model executions (batches) by batch size in rows; the mean batch size is rate(inferences) / rate(batches).");
        meter.CreateObservableCounter("ensemblegrpc.worker.model_run.time", () => PerBatchSize(b => b.ComputeInfer.Ns * SecondsPerNs), "s",
            "Summed model run time (ONNX Runtime Run) of a model's executions, by batch size.");
    }

    private IEnumerable<Measurement<T>> PerModel<T>(Func<ModelState, T> read)
        where T : struct
    {
        foreach (var model in _models.Models)
        {
            yield return new Measurement<T>(read(model), new KeyValuePair<string, object?>("model", model.Name));
        }
    }

    private IEnumerable<Measurement<long>> Requests()
    {
        foreach (var model in _models.Models)
        {
            var snapshot = model.Statistics.Snapshot();
            yield return new Measurement<long>((long)snapshot.Success.Count, new("model", model.Name), new("outcome", "success"));
            yield return new Measurement<long>((long)snapshot.Fail.Count, new("model", model.Name), new("outcome", "failure"));
        }
    }

    private IEnumerable<Measurement<double>> RequestSeconds()
    {
        foreach (var model in _models.Models)
        {
            var snapshot = model.Statistics.Snapshot();
            yield return new Measurement<double>(snapshot.Success.Ns * SecondsPerNs, new("model", model.Name), new("outcome", "success"));
            yield return new Measurement<double>(snapshot.Fail.Ns * SecondsPerNs, new("model", model.Name), new("outcome", "failure"));
        }
    }

    private IEnumerable<Measurement<T>> PerBatchSize<T>(Func<BatchStatisticsSnapshot, T> read)
        where T : struct
    {
        foreach (var model in _models.Models)
        {
            foreach (var batch in model.Statistics.Snapshot().Batches)
            {
                yield return new Measurement<T>(read(batch), new("model", model.Name), new("batch_size", batch.BatchSize));
            }
        }
    }
}
