using System.Buffers;
using System.Runtime.InteropServices;
using EnsembleGrpc.InferenceServer.Execution;
using EnsembleGrpc.InferenceServer.Inference;
using EnsembleGrpc.InferenceServer.Repository;
using EnsembleGrpc.InferenceServer.Statistics;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.InferenceServer.Scheduling;

/// <summary>
/// Executes one batch of taken requests: concatenates their rows into pooled input buffers (compute_input),
/// runs the model (compute_infer), hands each request exactly its rows of every output it asked for as slices
/// of the batch's output arrays (compute_output), and answers every request of the batch, success or failure.
/// </summary>
internal sealed partial class BatchRunner
{
    private readonly ModelDefinition _model;
    private readonly IModelExecutor _executor;
    private readonly ModelStatisticsCollector _statistics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int[] _inputRowElements;
    private readonly int[] _outputRowElements;

    // Per output, the answer shape of a request of n rows at [n]: built on first use and shared by every answer of
    // that size (read-only by contract), so scattering a batch allocates no shape arrays.
    private readonly long[]?[][] _outputShapes;

    public BatchRunner(ModelDefinition model, IModelExecutor executor, ModelStatisticsCollector statistics, TimeProvider time, ILogger logger)
    {
        _model = model;
        _executor = executor;
        _statistics = statistics;
        _time = time;
        _logger = logger;
        _inputRowElements = [.. model.Config.Inputs.Select(ModelDefinition.RowElements)];
        _outputRowElements = [.. model.Config.Outputs.Select(ModelDefinition.RowElements)];
        _outputShapes = [.. model.Config.Outputs.Select(_ => new long[]?[Math.Max(0, model.Config.MaxBatchSize) + 1])];
    }

    public void Run(IReadOnlyList<PendingRequest> batch)
    {
        var rows = 0;
        foreach (var pending in batch)
        {
            rows += pending.Rows;
        }

        var start = _time.GetTimestamp();
        var buffers = new float[_inputRowElements.Length][];
        var inputs = new ReadOnlyMemory<float>[_inputRowElements.Length];
        try
        {
            for (var i = 0; i < buffers.Length; i++)
            {
                var length = rows * _inputRowElements[i];
                buffers[i] = ArrayPool<float>.Shared.Rent(length);
                var target = MemoryMarshal.AsBytes(buffers[i].AsSpan(0, length));
                var offset = 0;
                foreach (var pending in batch)
                {
                    var source = pending.Request.Inputs[i].Data.Span;
                    source.CopyTo(target[offset..]);
                    offset += source.Length;
                }

                inputs[i] = buffers[i].AsMemory(0, length);
            }

            var inputDone = _time.GetTimestamp();
            var outputs = Execute(rows, inputs, batch);
            if (outputs is null)
            {
                return;
            }

            var inferDone = _time.GetTimestamp();
            var answers = Scatter(batch, outputs);
            var outputDone = _time.GetTimestamp();
            _statistics.RecordExecution(
                rows,
                batch.Count,
                Ns(start, inputDone),
                Ns(inputDone, inferDone),
                Ns(inferDone, outputDone),
                _time.GetUtcNow().ToUnixTimeMilliseconds());
            for (var r = 0; r < batch.Count; r++)
            {
                batch[r].Complete(InferenceOutcome.Success(answers[r]));
            }
        }
        finally
        {
            foreach (var buffer in buffers)
            {
                if (buffer is not null)
                {
                    ArrayPool<float>.Shared.Return(buffer);
                }
            }
        }
    }

    private float[][]? Execute(int rows, ReadOnlyMemory<float>[] inputs, IReadOnlyList<PendingRequest> batch)
    {
        float[][] outputs;
        try
        {
            outputs = _executor.Run(rows, inputs);
        }
        catch (Exception ex)
        {
            // Any executor failure (runtime error, bug) is answered per request; the text stays in the log.
            Log.ExecutionFailed(_logger, _model.Name, rows, ex);
            FailAll(batch, $"Model '{_model.Name}' failed to execute a batch of {rows} rows");
            return null;
        }

        for (var o = 0; o < _outputRowElements.Length; o++)
        {
            if (o >= outputs.Length || outputs[o].Length != rows * _outputRowElements[o])
            {
                Log.OutputMismatch(_logger, _model.Name, rows);
                FailAll(batch, $"Model '{_model.Name}' produced outputs of an unexpected size");
                return null;
            }
        }

        return outputs;
    }

    private OutputTensor[][] Scatter(IReadOnlyList<PendingRequest> batch, float[][] outputs)
    {
        var answers = new OutputTensor[batch.Count][];
        var row = 0;
        for (var r = 0; r < batch.Count; r++)
        {
            var request = batch[r].Request;
            var answer = new OutputTensor[request.RequestedOutputs.Count];
            for (var k = 0; k < answer.Length; k++)
            {
                var o = request.RequestedOutputs[k];
                var config = _model.Config.Outputs[o];
                var shape = OutputShape(o, request.BatchSize);
                answer[k] = new OutputTensor(config.Name, shape, outputs[o].AsMemory(row * _outputRowElements[o], request.BatchSize * _outputRowElements[o]));
            }

            answers[r] = answer;
            row += request.BatchSize;
        }

        return answers;
    }

    private long[] OutputShape(int output, int rows)
    {
        var cache = _outputShapes[output];
        if (rows < cache.Length && cache[rows] is { } cached)
        {
            return cached;
        }

        var dimensions = _model.Config.Outputs[output].Shape;
        var shape = new long[dimensions.Count];
        shape[0] = rows;
        for (var d = 1; d < shape.Length; d++)
        {
            shape[d] = dimensions[d];
        }

        // Racing batch loops may both build it; either array is right.
        if (rows < cache.Length)
        {
            cache[rows] = shape;
        }

        return shape;
    }

    private static void FailAll(IReadOnlyList<PendingRequest> batch, string message)
    {
        var error = InferenceError.Internal(message);
        foreach (var pending in batch)
        {
            pending.Complete(error);
        }
    }

    private long Ns(long from, long to) => _time.GetElapsedTime(from, to).Ticks * 100;

    private static partial class Log
    {
        [LoggerMessage(EventId = 301, Level = LogLevel.Error, Message = "Model {Model} failed to execute a batch of {Rows} rows")]
        public static partial void ExecutionFailed(ILogger logger, string model, int rows, Exception exception);

        [LoggerMessage(EventId = 302, Level = LogLevel.Error, Message = "Model {Model} returned outputs whose sizes do not match its configuration for {Rows} rows")]
        public static partial void OutputMismatch(ILogger logger, string model, int rows);
    }
}
