using System.Runtime.CompilerServices;
using EnsembleGrpc.Hosting;
using EnsembleGrpc.Hosting.Errors;
using EnsembleGrpc.Protocol;
using Google.Protobuf;
using Grpc.Core;

namespace EnsembleGrpc.LoadGen.Backend;

/// <summary>
/// The Open Inference Protocol over Grpc.Net.Client: several HTTP/2 connections, a deadline on every call, raw
/// tensor contents (shared bytes, no copy per request), each sample's message built once. Failures come back as
/// outcomes, never exceptions.
/// </summary>
public sealed class GrpcInferenceBackend : IInferenceBackend
{
    private readonly GrpcChannelSet<GRPCInferenceService.GRPCInferenceServiceClient> _channels;
    private readonly TimeSpan _deadline;
    private readonly TimeProvider _time;

    // Encoded once per reusable request (one per sample); entries go with their request.
    private readonly ConditionalWeakTable<InferRequestData, ModelInferRequest> _messages = new();

    public GrpcInferenceBackend(string address, int connections, TimeSpan deadline, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _channels = new GrpcChannelSet<GRPCInferenceService.GRPCInferenceServiceClient>(address, connections, static c => new GRPCInferenceService.GRPCInferenceServiceClient(c));
        _deadline = deadline;
        Address = address;
    }

    public string Address { get; }

    public async ValueTask<InferOutcome> InferAsync(InferRequestData request, CancellationToken cancellationToken)
    {
        var message = Message(request);
        try
        {
            var response = await _channels.Next().ModelInferAsync(message, Options(cancellationToken)).ConfigureAwait(false);
            return ResponseReader.Read(response, request.OutputName);
        }
        catch (RpcException ex)
        {
            return InferOutcome.Failed(ex.StatusCode, ex.Status.Detail) with { RetryAfter = RetryPushbackMetadata.Read(ex.Trailers) };
        }
        catch (OperationCanceledException)
        {
            return InferOutcome.Cancelled;
        }
    }

    public async ValueTask<MetadataOutcome> GetMetadataAsync(string model, string? version, CancellationToken cancellationToken)
    {
        try
        {
            var request = new ModelMetadataRequest { Name = model, Version = version ?? string.Empty };
            var response = await _channels.Next().ModelMetadataAsync(request, Options(cancellationToken)).ConfigureAwait(false);
            static TensorInfo Tensor(ModelMetadataResponse.Types.TensorMetadata t) => new(t.Name, t.Datatype, [.. t.Shape]);
            return MetadataOutcome.Found(new ModelInfo(response.Name, [.. response.Versions], [.. response.Inputs.Select(Tensor)], [.. response.Outputs.Select(Tensor)]));
        }
        catch (RpcException ex)
        {
            return MetadataOutcome.Failed(ex.StatusCode, ex.Status.Detail);
        }
        catch (OperationCanceledException)
        {
            return MetadataOutcome.Failed(StatusCode.Cancelled, "cancelled");
        }
    }

    public async ValueTask<IReadOnlyList<ModelStatisticsSnapshot>?> GetStatisticsAsync(string? model, string? version, CancellationToken cancellationToken)
    {
        try
        {
            var request = new ModelStatisticsRequest { Name = model ?? string.Empty, Version = string.IsNullOrEmpty(model) ? string.Empty : version ?? string.Empty };
            var response = await _channels.Next().ModelStatisticsAsync(request, Options(cancellationToken)).ConfigureAwait(false);
            var snapshots = response.ModelStats
                .Where(s => string.IsNullOrEmpty(model) || s.Name == model)
                .GroupBy(s => s.Name, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => Sum(g.Key, g.ToList()))
                .ToList();
            return snapshots.Count == 0 ? null : snapshots;
        }
        catch (RpcException)
        {
            return null;
        }
    }

    public ValueTask DisposeAsync()
    {
        _channels.Dispose();
        return ValueTask.CompletedTask;
    }

    private ModelStatisticsSnapshot Sum(string model, List<ModelStatistics> stats)
    {
        static ulong Total(IEnumerable<ulong> values) => values.Aggregate(0UL, (a, b) => a + b);
        return new ModelStatisticsSnapshot
        {
            Source = Address,
            Model = model,
            InferenceCount = Total(stats.Select(s => s.InferenceCount)),
            ExecutionCount = Total(stats.Select(s => s.ExecutionCount)),
            SuccessCount = Total(stats.Select(s => s.InferenceStats?.Success?.Count ?? 0)),
            SuccessNs = Total(stats.Select(s => s.InferenceStats?.Success?.Ns ?? 0)),
            FailCount = Total(stats.Select(s => s.InferenceStats?.Fail?.Count ?? 0)),
            QueueNs = Total(stats.Select(s => s.InferenceStats?.Queue?.Ns ?? 0)),
            ComputeInputNs = Total(stats.Select(s => s.InferenceStats?.ComputeInput?.Ns ?? 0)),
            ComputeInferNs = Total(stats.Select(s => s.InferenceStats?.ComputeInfer?.Ns ?? 0)),
            ComputeOutputNs = Total(stats.Select(s => s.InferenceStats?.ComputeOutput?.Ns ?? 0)),
        };
    }

    /// <summary>
    /// The protocol message of <paramref name="request"/>: built once per reusable request and kept (a message is
    /// only read when sent, so concurrent calls may share it), built per call otherwise.
    /// </summary>
    internal ModelInferRequest Message(InferRequestData request)
    {
        if (!request.Reusable)
        {
            return Build(request);
        }

        return _messages.TryGetValue(request, out var message) ? message : _messages.GetValue(request, Build);
    }

    private static ModelInferRequest Build(InferRequestData request)
    {
        var message = new ModelInferRequest { ModelName = request.Model, ModelVersion = request.ModelVersion ?? string.Empty };
        foreach (var (key, value) in request.Parameters)
        {
            message.Parameters[key] = new InferParameter { StringParam = value };
        }

        var input = new ModelInferRequest.Types.InferInputTensor { Name = request.InputName, Datatype = "FP32" };
        input.Shape.AddRange(request.Shape);
        message.Inputs.Add(input);
        message.RawInputContents.Add(UnsafeByteOperations.UnsafeWrap(request.RawInput));
        if (request.OutputName is not null)
        {
            message.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = request.OutputName });
        }

        return message;
    }

    private CallOptions Options(CancellationToken cancellationToken)
        => new(deadline: _time.GetUtcNow().UtcDateTime + _deadline, cancellationToken: cancellationToken);
}
