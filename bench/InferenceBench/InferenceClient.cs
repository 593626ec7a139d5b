using System.Buffers.Binary;
using System.Net;
using System.Runtime.InteropServices;
using EnsembleGrpc.Datasets;
using Grpc.Net.Client;
using EnsembleGrpc.Protocol;
using Google.Protobuf;
using Grpc.Core;

namespace InferenceBench;

/// <summary>Our gRPC client against a worker or the router: readiness, one checked inference, ModelStatistics.</summary>
internal sealed class InferenceClient : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly GRPCInferenceService.GRPCInferenceServiceClient _client;

    public InferenceClient(Uri address)
    {
        Address = address;
        _channel = GrpcChannel.ForAddress(address);
        _client = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
    }

    public Uri Address { get; }

    /// <summary>A batch-1 ModelInfer request for one real digit, raw_input_contents, as LoadGen builds it.</summary>
    public static ModelInferRequest DigitRequest(string model, EgdsDataset dataset, int index, string? strategy = null)
    {
        var request = new ModelInferRequest { ModelName = model, Id = $"bench-{index}" };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32" };
        input.Shape.AddRange([1, 1, dataset.Rows, dataset.Cols]);
        request.Inputs.Add(input);
        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "probabilities" });
        request.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(dataset.ToModelInput(index, 1).AsSpan())));
        if (strategy is not null)
        {
            request.Parameters["ensemble_strategy"] = new InferParameter { StringParam = strategy };
        }

        return request;
    }

    /// <summary>The gRPC wire form of a message: compressed flag 0, big-endian length, the message.</summary>
    public static byte[] Frame(IMessage message)
    {
        var body = message.ToByteArray();
        var framed = new byte[5 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)body.Length);
        body.CopyTo(framed, 5);
        return framed;
    }

    /// <summary>Polls ModelReady until every model is ready (bounded).</summary>
    public async Task WaitReadyAsync(IEnumerable<string> models, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var until = DateTime.UtcNow + timeout;
        foreach (var model in models)
        {
            string last = "no answer";
            while (true)
            {
                try
                {
                    var reply = await _client.ModelReadyAsync(new ModelReadyRequest { Name = model }, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: cancellationToken);
                    if (reply.Ready)
                    {
                        break;
                    }

                    last = "not ready";
                }
                catch (RpcException ex)
                {
                    last = $"{ex.StatusCode}: {ex.Status.Detail}";
                }

                if (DateTime.UtcNow > until)
                {
                    throw new TimeoutException($"{Address}: model {model} not ready within {timeout.TotalSeconds:0} s ({last}).");
                }

                await Task.Delay(200, cancellationToken);
            }
        }
    }

    /// <summary>Sends one request; returns the predicted class and the response parameters, or throws naming the status.</summary>
    public async Task<(int Predicted, float[] Probabilities, IReadOnlyDictionary<string, string> Parameters)> InferAsync(ModelInferRequest request, CancellationToken cancellationToken)
    {
        ModelInferResponse reply;
        try
        {
            reply = await _client.ModelInferAsync(request, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken);
        }
        catch (RpcException ex)
        {
            throw new InvalidOperationException($"{Address}: ModelInfer({request.ModelName}) failed with {ex.StatusCode}: {ex.Status.Detail}", ex);
        }

        return (Argmax(ReadProbabilities(reply)), ReadProbabilities(reply), reply.Parameters.ToDictionary(p => p.Key, p => ParameterText(p.Value)));
    }

    /// <summary>Cumulative success count of a model (ModelStatistics), for cross-checking h2load's count.</summary>
    public async Task<ulong> SuccessCountAsync(string model, CancellationToken cancellationToken)
    {
        var reply = await _client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = model }, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: cancellationToken);
        return reply.ModelStats.Where(s => s.Name == model).Aggregate(0UL, (sum, s) => sum + (s.InferenceStats?.Success?.Count ?? 0));
    }

    /// <summary>
    /// Cumulative rows a model ran (ModelStatistics inference_count, Triton's meaning), the count of ensemble requests
    /// that reached it: the router's micro-batching sends several batch-1 requests in one call, which the success
    /// count counts once.
    /// </summary>
    public async Task<ulong> RowCountAsync(string model, CancellationToken cancellationToken)
    {
        var reply = await _client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = model }, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: cancellationToken);
        return reply.ModelStats.Where(s => s.Name == model).Aggregate(0UL, (sum, s) => sum + s.InferenceCount);
    }

    /// <summary>
    /// POSTs exactly <paramref name="framedBody"/> (the bytes h2load sends) over h2c and checks what h2load cannot:
    /// HTTP 200, content-type application/grpc, grpc-status 0 in the trailers, one well-formed ModelInferResponse.
    /// </summary>
    public static async Task<string> CheckRawAsync(Uri address, byte[] framedBody, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler();
        using var invoker = new HttpMessageInvoker(handler);
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(address, "/inference.GRPCInferenceService/ModelInfer"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(framedBody),
        };
        message.Content.Headers.TryAddWithoutValidation("Content-Type", "application/grpc");
        message.Headers.TryAddWithoutValidation("te", "trailers");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        using var response = await invoker.SendAsync(message, timeout.Token);
        var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
        var status = response.TrailingHeaders.TryGetValues("grpc-status", out var s) ? s.First()
            : response.Headers.TryGetValues("grpc-status", out var h) ? h.First() + " (trailers-only)" : "missing";
        var contentType = response.Content.Headers.ContentType?.MediaType ?? "none";
        if (response.StatusCode != HttpStatusCode.OK || contentType != "application/grpc" || status != "0" || body.Length < 5)
        {
            throw new InvalidOperationException($"the h2load request body does not get a gRPC OK reply: HTTP {(int)response.StatusCode}, content-type {contentType}, grpc-status {status}, {body.Length} body bytes");
        }

        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1));
        var reply = ModelInferResponse.Parser.ParseFrom(body.AsSpan(5, length));
        var probabilities = ReadProbabilities(reply);
        return $"HTTP 200, application/grpc, grpc-status 0, {body.Length} body bytes, ModelInferResponse {reply.ModelName} class {Argmax(probabilities)}";
    }

    public void Dispose() => _channel.Dispose();

    private static float[] ReadProbabilities(ModelInferResponse reply)
    {
        var index = 0;
        for (var i = 0; i < reply.Outputs.Count; i++)
        {
            if (reply.Outputs[i].Name == "probabilities")
            {
                index = i;
                break;
            }
        }

        if (reply.RawOutputContents.Count > index)
        {
            return MemoryMarshal.Cast<byte, float>(reply.RawOutputContents[index].Span).ToArray();
        }

        return reply.Outputs.Count > index && reply.Outputs[index].Contents is { } contents ? [.. contents.Fp32Contents] : [];
    }

    private static int Argmax(float[] values)
    {
        var best = -1;
        for (var i = 0; i < values.Length; i++)
        {
            if (best < 0 || values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static string ParameterText(InferParameter p) => p.ParameterChoiceCase switch
    {
        InferParameter.ParameterChoiceOneofCase.StringParam => p.StringParam,
        InferParameter.ParameterChoiceOneofCase.BoolParam => p.BoolParam ? "true" : "false",
        InferParameter.ParameterChoiceOneofCase.Int64Param => p.Int64Param.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => p.ToString(),
    };
}
