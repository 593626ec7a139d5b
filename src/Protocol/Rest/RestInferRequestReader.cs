using System.Text.Json;
using Google.Protobuf;

namespace EnsembleGrpc.Protocol.Rest;

/// <summary>
/// Turns a REST infer body into the protocol's <see cref="ModelInferRequest"/>, so that REST and gRPC requests meet
/// the same validation (the server's own decoder) and get the same errors. JSON data becomes typed contents; binary
/// tensor data (the <see cref="RestBinding.HeaderContentLength"/> extension) becomes raw_input_contents, which is why
/// a request sends either every input binary or none (the protocol never mixes raw and typed contents).
/// </summary>
public static class RestInferRequestReader
{
    /// <summary>The request, or null with a message for a 400 answer.</summary>
    /// <param name="body">The whole body.</param>
    /// <param name="headerLength">The <see cref="RestBinding.HeaderContentLength"/> header; null when absent (all JSON).</param>
    public static ModelInferRequest? TryRead(
        ReadOnlyMemory<byte> body, long? headerLength, string model, string version, out RestOutputChoice outputs, out string? error)
    {
        outputs = RestOutputChoice.Json;
        if (headerLength is { } length && (length < 0 || length > body.Length))
        {
            error = $"{RestBinding.HeaderContentLength} is {length} but the body has {body.Length} bytes.";
            return null;
        }

        int jsonLength = (int)(headerLength ?? body.Length);
        RestInferRequest? json;
        try
        {
            json = JsonSerializer.Deserialize(body.Span[..jsonLength], RestJsonContext.Web.RestInferRequest);
        }
        catch (JsonException ex)
        {
            error = $"the request body is not an inference request in JSON (at {ex.Path ?? "$"}, line {ex.LineNumber + 1}).";
            return null;
        }

        if (json is null)
        {
            error = "the request body is JSON null; expected an object with \"inputs\".";
            return null;
        }

        var request = new ModelInferRequest { ModelName = model, ModelVersion = version, Id = json.Id ?? "" };
        error = CopyParameters(json.Parameters, request.Parameters, "request")
            ?? ReadInputs(json.Inputs ?? [], body[jsonLength..], request)
            ?? ReadOutputs(json, request, out outputs);
        return error is null ? request : null;
    }

    private static string? ReadInputs(List<RestInputTensor> inputs, ReadOnlyMemory<byte> binary, ModelInferRequest request)
    {
        int binaryInputs = 0;
        int offset = 0;
        foreach (var input in inputs)
        {
            var tensor = new ModelInferRequest.Types.InferInputTensor { Name = input.Name ?? "", Datatype = input.Datatype ?? "" };
            tensor.Shape.Add(input.Shape ?? []);
            string? error = CopyParameters(input.Parameters, tensor.Parameters, $"input '{tensor.Name}'");
            if (error is not null)
            {
                return error;
            }

            if (input.Parameters is { } p && p.TryGetValue(RestBinding.BinaryDataSize, out var size))
            {
                if (!size.TryGetInt32(out int bytes) || bytes < 0 || bytes > binary.Length - offset)
                {
                    return $"input '{tensor.Name}': {RestBinding.BinaryDataSize} {size} does not fit the {binary.Length - offset} bytes of binary data left.";
                }

                request.RawInputContents.Add(UnsafeByteOperations.UnsafeWrap(binary.Slice(offset, bytes)));
                offset += bytes;
                binaryInputs++;
            }
            else
            {
                error = TensorDataReader.Read(tensor, input.Data);
                if (error is not null)
                {
                    return error;
                }
            }

            request.Inputs.Add(tensor);
        }

        if (binaryInputs > 0 && binaryInputs != inputs.Count)
        {
            return $"{binaryInputs} of {inputs.Count} inputs are binary data; send every input as binary data or every input as JSON.";
        }

        return offset == binary.Length ? null : $"{binary.Length - offset} bytes of binary data follow the JSON but no input claims them.";
    }

    private static string? ReadOutputs(RestInferRequest json, ModelInferRequest request, out RestOutputChoice choice)
    {
        bool all = json.Parameters is { } p && p.TryGetValue(RestBinding.BinaryDataOutput, out var b) && b.ValueKind == JsonValueKind.True;
        var binary = new HashSet<string>(StringComparer.Ordinal);
        foreach (var output in json.Outputs ?? [])
        {
            var wanted = new ModelInferRequest.Types.InferRequestedOutputTensor { Name = output.Name ?? "" };
            string? error = CopyParameters(output.Parameters, wanted.Parameters, $"output '{wanted.Name}'");
            if (error is not null)
            {
                choice = RestOutputChoice.Json;
                return error;
            }

            if (output.Parameters is { } q && q.TryGetValue(RestBinding.BinaryData, out var flag) && flag.ValueKind == JsonValueKind.True)
            {
                binary.Add(wanted.Name);
            }

            request.Outputs.Add(wanted);
        }

        choice = all || binary.Count > 0 ? new RestOutputChoice(all, binary) : RestOutputChoice.Json;
        return null;
    }

    /// <summary>JSON parameters to protocol ones, except the binary extension's own (they concern the transport).</summary>
    private static string? CopyParameters(Dictionary<string, JsonElement>? source, Google.Protobuf.Collections.MapField<string, InferParameter> target, string owner)
    {
        if (source is null)
        {
            return null;
        }

        foreach (var (name, value) in source)
        {
            if (name is RestBinding.BinaryDataSize or RestBinding.BinaryData or RestBinding.BinaryDataOutput)
            {
                continue;
            }

            InferParameter? parameter = value.ValueKind switch
            {
                JsonValueKind.True or JsonValueKind.False => new InferParameter { BoolParam = value.GetBoolean() },
                JsonValueKind.String => new InferParameter { StringParam = value.GetString() },
                JsonValueKind.Number when value.TryGetInt64(out long l) => new InferParameter { Int64Param = l },
                JsonValueKind.Number when value.TryGetUInt64(out ulong u) => new InferParameter { Uint64Param = u },
                JsonValueKind.Number => new InferParameter { DoubleParam = value.GetDouble() },
                _ => null,
            };
            if (parameter is null)
            {
                return $"{owner}: parameter '{name}' is a JSON {value.ValueKind}; parameters are booleans, numbers or strings.";
            }

            target[name] = parameter;
        }

        return null;
    }
}
