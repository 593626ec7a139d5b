using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace EnsembleGrpc.Protocol.Rest;

/// <summary>
/// Writes a protocol <see cref="ModelInferResponse"/> as the REST binding's JSON, straight onto the response body
/// (Utf8JsonWriter: no reflection, no intermediate strings). The response must carry raw_output_contents (servers
/// encode raw for REST): each output is then either decoded to a JSON array or, when the request asked for binary
/// data, appended after the JSON part with its size in <c>parameters.binary_data_size</c>.
/// </summary>
public static class RestInferResponseWriter
{
    // application/json bodies, never HTML: names and ids stay readable rather than \u-escaped.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the body; returns the length of its JSON part (the <see cref="RestBinding.HeaderContentLength"/> when binary data follows).</summary>
    public static long Write(IBufferWriter<byte> body, ModelInferResponse response, RestOutputChoice choice)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(choice);
        if (response.RawOutputContents.Count != response.Outputs.Count)
        {
            throw new ArgumentException("the response must carry one raw_output_contents entry per output", nameof(response));
        }

        long jsonLength;
        using (var json = new Utf8JsonWriter(body, Options))
        {
            json.WriteStartObject();
            json.WriteString("model_name", response.ModelName);
            json.WriteString("model_version", response.ModelVersion);
            json.WriteString("id", response.Id);
            if (response.Parameters.Count > 0)
            {
                json.WritePropertyName("parameters");
                WriteParameters(json, response.Parameters);
            }

            json.WriteStartArray("outputs");
            for (int i = 0; i < response.Outputs.Count; i++)
            {
                WriteOutput(json, response.Outputs[i], response.RawOutputContents[i].Span, choice.IsBinary(response.Outputs[i].Name));
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.Flush();
            jsonLength = json.BytesCommitted;
        }

        for (int i = 0; i < response.Outputs.Count; i++)
        {
            if (choice.IsBinary(response.Outputs[i].Name))
            {
                body.Write(response.RawOutputContents[i].Span);
            }
        }

        return jsonLength;
    }

    private static void WriteOutput(Utf8JsonWriter json, ModelInferResponse.Types.InferOutputTensor output, ReadOnlySpan<byte> raw, bool binary)
    {
        json.WriteStartObject();
        json.WriteString("name", output.Name);
        json.WriteString("datatype", output.Datatype);
        json.WriteStartArray("shape");
        foreach (long dimension in output.Shape)
        {
            json.WriteNumberValue(dimension);
        }

        json.WriteEndArray();
        if (binary || output.Parameters.Count > 0)
        {
            json.WriteStartObject("parameters");
            foreach (var (name, value) in output.Parameters)
            {
                json.WritePropertyName(name);
                WriteParameter(json, value);
            }

            if (binary)
            {
                json.WriteNumber(RestBinding.BinaryDataSize, raw.Length);
            }

            json.WriteEndObject();
        }

        if (!binary)
        {
            json.WriteStartArray("data");
            RawTensorJson.WriteValues(json, output.Datatype, raw);
            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static void WriteParameters(Utf8JsonWriter json, Google.Protobuf.Collections.MapField<string, InferParameter> parameters)
    {
        json.WriteStartObject();
        foreach (var (name, value) in parameters)
        {
            json.WritePropertyName(name);
            WriteParameter(json, value);
        }

        json.WriteEndObject();
    }

    private static void WriteParameter(Utf8JsonWriter json, InferParameter parameter)
    {
        switch (parameter.ParameterChoiceCase)
        {
            case InferParameter.ParameterChoiceOneofCase.BoolParam: json.WriteBooleanValue(parameter.BoolParam); break;
            case InferParameter.ParameterChoiceOneofCase.Int64Param: json.WriteNumberValue(parameter.Int64Param); break;
            case InferParameter.ParameterChoiceOneofCase.Uint64Param: json.WriteNumberValue(parameter.Uint64Param); break;
            case InferParameter.ParameterChoiceOneofCase.DoubleParam: json.WriteNumberValue(parameter.DoubleParam); break;
            case InferParameter.ParameterChoiceOneofCase.StringParam: json.WriteStringValue(parameter.StringParam); break;
            default: json.WriteNullValue(); break;
        }
    }
}
