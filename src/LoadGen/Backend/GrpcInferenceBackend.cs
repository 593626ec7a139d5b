using EnsembleGrpc.Grpc.Client;
using EnsembleGrpc.Protocol;
using Google.Protobuf;
using Grpc.Core;

namespace EnsembleGrpc.LoadGen.Backend;

/// <summary>
/// The Open Inference Protocol over our gRPC channel: several HTTP/2 connections, a deadline on every call, raw
/// tensor contents (shared bytes, no copy per request). Failures come back as outcomes, never exceptions.
/// </summary>
public sealed class GrpcInferenceBackend : IInferenceBackend
{
    private readonly GrpcChannel _channel;
    private readonly GRPCInferenceService.GRPCInferenceServiceClient _client;
    private readonly TimeSpan _deadline;
    private readonly TimeProvider _time;

    public GrpcInferenceBackend(string address, int connections, TimeSpan deadline, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { Connections = connections, TimeProvider = _time });
        _client = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
        _deadline = deadline;
        Address = address;
    }

    public string Address { get; }

    public async ValueTask<InferOutcome> InferAsync(InferRequestData request, CancellationToken cancellationToken)
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

        try
        {
            var response = await _client.ModelInferAsync(message, Options(cancellationToken)).ConfigureAwait(false);
            return ResponseReader.Read(response, request.OutputName);
        }
        catch (RpcException ex)
        {
            return InferOutcome.Failed(ex.StatusCode, ex.Status.Detail);
        }
        catch (OperationCanceledException)
        {
            return InferOutcome.Cancelled;
        }
    }

    public async ValueTask<ModelStatisticsSnapshot?> GetStatisticsAsync(string model, string? version, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = model, Version = version ?? string.Empty }, Options(cancellationToken)).ConfigureAwait(false);
            var stats = response.ModelStats.Where(s => s.Name == model).ToList();
            if (stats.Count == 0)
            {
                return null;
            }

            static ulong Sum(IEnumerable<ulong> values) => values.Aggregate(0UL, (a, b) => a + b);
            return new ModelStatisticsSnapshot
            {
                Source = Address,
                InferenceCount = Sum(stats.Select(s => s.InferenceCount)),
                ExecutionCount = Sum(stats.Select(s => s.ExecutionCount)),
                SuccessCount = Sum(stats.Select(s => s.InferenceStats?.Success?.Count ?? 0)),
                SuccessNs = Sum(stats.Select(s => s.InferenceStats?.Success?.Ns ?? 0)),
                FailCount = Sum(stats.Select(s => s.InferenceStats?.Fail?.Count ?? 0)),
                QueueNs = Sum(stats.Select(s => s.InferenceStats?.Queue?.Ns ?? 0)),
                ComputeInputNs = Sum(stats.Select(s => s.InferenceStats?.ComputeInput?.Ns ?? 0)),
                ComputeInferNs = Sum(stats.Select(s => s.InferenceStats?.ComputeInfer?.Ns ?? 0)),
                ComputeOutputNs = Sum(stats.Select(s => s.InferenceStats?.ComputeOutput?.Ns ?? 0)),
            };
        }
        catch (RpcException)
        {
            return null;
        }
    }

    public ValueTask DisposeAsync()
    {
        _channel.Dispose();
        return ValueTask.CompletedTask;
    }

    private CallOptions Options(CancellationToken cancellationToken)
        => new(deadline: _time.GetUtcNow().UtcDateTime + _deadline, cancellationToken: cancellationToken);
}
