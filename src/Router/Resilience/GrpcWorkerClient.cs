using System.Buffers.Binary;
using System.Collections.Concurrent;
using EnsembleGrpc.Hosting;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Resilience;

/// <summary>
/// Calls workers over Grpc.Net.Client (a set of channels per endpoint address, round-robin) with the Open Inference Protocol:
/// the preprocessed batch as raw FP32 [N,1,28,28], the member's probabilities back. A response of the wrong shape or
/// type is an <see cref="InvalidDataException"/>, classified as an invalid output.
/// </summary>
public sealed class GrpcWorkerClient(IOptions<WorkerClientOptions> options, TimeProvider timeProvider) : IWorkerClient, IDisposable
{
    private readonly WorkerClientOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, Lazy<GrpcChannelSet<GRPCInferenceService.GRPCInferenceServiceClient>>> _clients = new(StringComparer.OrdinalIgnoreCase);

    public async Task<float[]> InferAsync(string endpoint, MemberModel member, ModelInput input, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var client = GetClient(endpoint);
        var request = new ModelInferRequest { ModelName = member.Model, ModelVersion = member.Version };
        var tensor = new ModelInferRequest.Types.InferInputTensor { Name = _options.InputName, Datatype = "FP32" };
        tensor.Shape.AddRange(input.Shape);
        request.Inputs.Add(tensor);
        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = _options.OutputName });
        request.RawInputContents.Add(input.RawBytes);

        var deadline = timeProvider.GetUtcNow().UtcDateTime + timeout + _options.DeadlineSlack;
        var response = await client.ModelInferAsync(request, deadline: deadline, cancellationToken: cancellationToken).ConfigureAwait(false);
        return ReadProbabilities(response, _options.OutputName, input.BatchSize);
    }

    public void Dispose()
    {
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

            var values = new float[bytes.Length / sizeof(float)];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * sizeof(float)));
            }

            return values;
        }

        return output.Contents?.Fp32Contents.ToArray() ?? throw new InvalidDataException($"output '{output.Name}' has no contents");
    }

    private GRPCInferenceService.GRPCInferenceServiceClient GetClient(string endpoint) =>
        _clients.GetOrAdd(endpoint, static (address, connections) => new Lazy<GrpcChannelSet<GRPCInferenceService.GRPCInferenceServiceClient>>(
            () => new GrpcChannelSet<GRPCInferenceService.GRPCInferenceServiceClient>(address, connections, static c => new GRPCInferenceService.GRPCInferenceServiceClient(c))),
            _options.ConnectionsPerEndpoint).Value.Next();
}
