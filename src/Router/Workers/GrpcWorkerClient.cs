using System.Collections.Concurrent;
using EnsembleGrpc.Hosting;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;
using Google.Protobuf;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Workers;

/// <summary>
/// Calls workers over Grpc.Net.Client (a set of channels per endpoint address, round-robin) with the Open Inference
/// Protocol: the preprocessed batch as raw FP32 [N,1,28,28], the member's probabilities back. Every failure is returned
/// as a <see cref="WorkerReply"/> (<see cref="WorkerCallFailures"/> classifies it); a response of the wrong shape or type
/// is an invalid output. https:// endpoints use TLS as <see cref="WorkerTransport"/> says (trusted authorities, client
/// certificate); http:// ones h2c.
/// </summary>
public sealed class GrpcWorkerClient(IOptions<WorkerClientOptions> options, TimeProvider timeProvider, WorkerTransport? transport = null) : IWorkerClient, IDisposable
{
    private readonly WorkerClientOptions _options = options.Value;
    // Connections on demand: the breakers and outlier ejection pace the calls to a worker that failed; a channel's own
    // reconnect backoff below them would fail the calls they let through (a successful half-open probe on one channel
    // of the endpoint, then member_error on the other, still backing off).
    private readonly GrpcClientSettings _settings = (transport ?? WorkerTransport.Default).Settings with { ConnectOnDemand = true };
    private readonly ConcurrentDictionary<string, Lazy<GrpcChannelSet<GRPCInferenceService.GRPCInferenceServiceClient>>> _clients = new(StringComparer.OrdinalIgnoreCase);

    // Probes have a channel of their own per endpoint: a probe must not wait behind inference traffic.
    private readonly ConcurrentDictionary<string, Lazy<(GrpcChannel Channel, GRPCInferenceService.GRPCInferenceServiceClient Client)>> _probes = new(StringComparer.OrdinalIgnoreCase);

    public async Task<WorkerReply> InferAsync(string endpoint, MemberModel member, ModelInput input, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            var request = new ModelInferRequest { ModelName = member.Model, ModelVersion = member.Version };
            var tensor = new ModelInferRequest.Types.InferInputTensor { Name = _options.InputName, Datatype = "FP32" };
            tensor.Shape.Add(input.BatchSize);
            tensor.Shape.Add(1);
            tensor.Shape.Add(ModelInput.Height);
            tensor.Shape.Add(ModelInput.Width);
            request.Inputs.Add(tensor);
            request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = _options.OutputName });
            // The bytes are immutable once made (ModelInput's contract), so the message may share them.
            request.RawInputContents.Add(UnsafeByteOperations.UnsafeWrap(input.Bytes));

            var deadline = timeProvider.GetUtcNow().UtcDateTime + timeout + _options.DeadlineSlack;
            var response = await GetClient(endpoint).ModelInferAsync(request, deadline: deadline, cancellationToken: cancellationToken).ConfigureAwait(false);
            return WorkerReply.Answered(ReadProbabilities(response, _options.OutputName, input.BatchSize));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return WorkerCallFailures.Translate(ex, cancellationToken, timeout);
        }
    }

    public async Task<WorkerReadiness> ProbeReadyAsync(string endpoint, string model, string version, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            var deadline = timeProvider.GetUtcNow().UtcDateTime + timeout;
            var response = await GetProbeClient(endpoint).ModelReadyAsync(
                new ModelReadyRequest { Name = model, Version = version }, deadline: deadline, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new WorkerReadiness(response.Ready, response.Ready ? "ready" : "the model is not ready");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var reply = WorkerCallFailures.Translate(ex, CancellationToken.None, timeout);
            return new WorkerReadiness(false, cancellationToken.IsCancellationRequested ? $"no answer within {timeout.TotalMilliseconds:0} ms" : reply.Error!);
        }
    }

    public void Dispose()
    {
        foreach (var lazy in _probes.Values.Where(l => l.IsValueCreated))
        {
            lazy.Value.Channel.Dispose();
        }

        foreach (var lazy in _clients.Values.Where(l => l.IsValueCreated))
        {
            lazy.Value.Dispose();
        }
    }

    /// <summary>The named FP32 output as a flat array, from raw or typed contents; shape [N, k] is checked by the caller's validator.</summary>
    internal static float[] ReadProbabilities(ModelInferResponse response, string outputName, int batchSize)
    {
        int index = -1;
        for (int i = 0; i < response.Outputs.Count; i++)
        {
            if (response.Outputs[i].Name == outputName)
            {
                index = i;
                break;
            }
        }

        if (index < 0)
        {
            index = response.Outputs.Count == 1 ? 0 : throw new InvalidDataException($"the response has no output '{outputName}'");
        }

        var output = response.Outputs[index];
        if (output.Datatype != "FP32")
        {
            throw new InvalidDataException($"output '{output.Name}' is {output.Datatype}, expected FP32");
        }

        if (output.Shape.Count != 2 || output.Shape[0] != batchSize)
        {
            throw new InvalidDataException($"output '{output.Name}' has shape [{string.Join(",", output.Shape)}], expected [{batchSize},classes]");
        }

        if (response.RawOutputContents.Count > 0)
        {
            if (index >= response.RawOutputContents.Count)
            {
                throw new InvalidDataException("raw_output_contents has fewer entries than outputs");
            }

            var bytes = response.RawOutputContents[index].Span;
            if (bytes.Length % sizeof(float) != 0)
            {
                throw new InvalidDataException($"raw output of {bytes.Length} bytes is not a whole number of FP32 values");
            }

            // Raw contents are little-endian, as the platforms the router runs on.
            return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
        }

        return output.Contents?.Fp32Contents.ToArray() ?? throw new InvalidDataException($"output '{output.Name}' has no contents");
    }

    private GRPCInferenceService.GRPCInferenceServiceClient GetProbeClient(string endpoint) =>
        _probes.GetOrAdd(endpoint, static (address, settings) => new Lazy<(GrpcChannel, GRPCInferenceService.GRPCInferenceServiceClient)>(() =>
        {
            var channel = GrpcChannels.Create(address, settings with { EnableMultipleHttp2Connections = false });
            return (channel, new GRPCInferenceService.GRPCInferenceServiceClient(channel));
        }), _settings).Value.Client;

    private GRPCInferenceService.GRPCInferenceServiceClient GetClient(string endpoint) =>
        _clients.GetOrAdd(endpoint, static (address, state) => new Lazy<GrpcChannelSet<GRPCInferenceService.GRPCInferenceServiceClient>>(
            () => new GrpcChannelSet<GRPCInferenceService.GRPCInferenceServiceClient>(
                address, state.Connections, static c => new GRPCInferenceService.GRPCInferenceServiceClient(c), state.Settings)),
            (Connections: _options.ConnectionsPerEndpoint, Settings: _settings)).Value.Next();
}
