using System.Runtime.InteropServices;
using EnsembleGrpc.InferenceServer.Inference;
using EnsembleGrpc.InferenceServer.Repository;
using EnsembleGrpc.Protocol;
using Google.Protobuf;

namespace EnsembleGrpc.InferenceServer.Frontend;

/// <summary>
/// Turns a protocol <see cref="ModelInferRequest"/> into a validated <see cref="InferenceRequest"/> for one model,
/// or an INVALID_ARGUMENT error naming the tensor, what was expected and what came. Raw contents are referenced,
/// not copied (the protobuf message outlives the request).
/// </summary>
public static class InferRequestDecoder
{
    private const int Fp32Size = sizeof(float);

    /// <summary>Decodes and validates; <paramref name="raw"/> tells whether the request came with raw contents.</summary>
    public static InferenceError? TryDecode(
        ModelInferRequest message,
        ModelDefinition model,
        RequestContext context,
        out InferenceRequest? request,
        out bool raw)
    {
        request = null;
        var config = model.Config;
        raw = message.RawInputContents.Count > 0;
        if (message.Inputs.Count != config.Inputs.Count)
        {
            return Invalid($"Model '{model.Name}' expects {config.Inputs.Count} input(s) ({Names(config.Inputs)}); got {message.Inputs.Count}{(message.Inputs.Count > 0 ? $" ({string.Join(", ", message.Inputs.Select(i => i.Name))})" : string.Empty)}");
        }

        if (raw && message.RawInputContents.Count != message.Inputs.Count)
        {
            return Invalid($"raw_input_contents has {message.RawInputContents.Count} entries; expected one per input ({message.Inputs.Count})");
        }

        var inputs = new InputTensor[config.Inputs.Count];
        var batchSize = -1;
        for (var m = 0; m < message.Inputs.Count; m++)
        {
            var tensor = message.Inputs[m];
            var index = IndexOf(config.Inputs, tensor.Name);
            if (index < 0)
            {
                return Invalid($"Input '{tensor.Name}' is not an input of model '{model.Name}'; expected: {Names(config.Inputs)}");
            }

            if (inputs[index] is not null)
            {
                return Invalid($"Input '{tensor.Name}' is given twice");
            }

            var error = DecodeInput(tensor, raw ? message.RawInputContents[m] : null, config.Inputs[index], config.MaxBatchSize, out var input);
            if (error is not null)
            {
                return error;
            }

            if (batchSize >= 0 && input!.Shape[0] != batchSize)
            {
                return Invalid($"Input '{tensor.Name}': batch size {input.Shape[0]} differs from the other inputs' {batchSize}");
            }

            batchSize = (int)input!.Shape[0];
            inputs[index] = input;
        }

        var outputsError = ResolveOutputs(message, model, out var requestedOutputs);
        if (outputsError is not null)
        {
            return outputsError;
        }

        request = new InferenceRequest
        {
            ModelName = model.Name,
            ModelVersion = model.Version,
            Id = message.Id,
            Inputs = inputs,
            RequestedOutputs = requestedOutputs,
            BatchSize = batchSize,
            Deadline = context.Deadline,
            CancellationToken = context.CancellationToken,
            DeadlineCancelsToken = context.DeadlineCancelsToken,
            ArrivalTimestamp = context.ArrivalTimestamp,
        };
        return null;
    }

    private static InferenceError? DecodeInput(
        ModelInferRequest.Types.InferInputTensor tensor,
        ByteString? rawContents,
        TensorConfig expected,
        int maxBatchSize,
        out InputTensor? input)
    {
        input = null;
        if (!string.Equals(tensor.Datatype, expected.Datatype, StringComparison.Ordinal))
        {
            return Invalid($"{Label(tensor)}: expected datatype {expected.Datatype}, got {(tensor.Datatype.Length == 0 ? "none" : tensor.Datatype)}");
        }

        var shape = tensor.Shape.ToArray();
        var shapeError = CheckShape(tensor, shape, expected, maxBatchSize);
        if (shapeError is not null)
        {
            return shapeError;
        }

        var elements = 1L;
        foreach (var dimension in shape)
        {
            elements *= dimension;
        }

        var hasTyped = HasTypedContents(tensor.Contents);
        ReadOnlyMemory<byte> data;
        if (rawContents is not null)
        {
            if (hasTyped)
            {
                return Invalid($"{Label(tensor)}: has typed contents but the request uses raw_input_contents; use one or the other for all inputs");
            }

            if (rawContents.Length != elements * Fp32Size)
            {
                return Invalid($"{Label(tensor)}: expected {elements * Fp32Size} bytes of raw contents for shape {Format(shape)} {expected.Datatype}, got {rawContents.Length}");
            }

            data = rawContents.Memory;
        }
        else
        {
            var values = tensor.Contents?.Fp32Contents;
            if (values is null || values.Count != elements)
            {
                return Invalid($"{Label(tensor)}: expected {elements} fp32_contents values for shape {Format(shape)}, got {values?.Count ?? 0}{(hasTyped && (values is null || values.Count == 0) ? " (contents of another type were given)" : string.Empty)}");
            }

            // Typed contents are copied once into the same little-endian byte layout raw requests arrive in.
            var bytes = new byte[elements * Fp32Size];
            var floats = MemoryMarshal.Cast<byte, float>(bytes.AsSpan());
            for (var i = 0; i < floats.Length; i++)
            {
                floats[i] = values[i];
            }

            data = bytes;
        }

        var nonFinite = IndexOfNonFinite(MemoryMarshal.Cast<byte, float>(data.Span));
        if (nonFinite >= 0)
        {
            return Invalid($"{Label(tensor)}: value at flat index {nonFinite} is not finite ({MemoryMarshal.Cast<byte, float>(data.Span)[nonFinite]}); expected finite FP32 values");
        }

        input = new InputTensor(tensor.Name, shape, data);
        return null;
    }

    private static InferenceError? CheckShape(ModelInferRequest.Types.InferInputTensor tensor, long[] shape, TensorConfig expected, int maxBatchSize)
    {
        var matches = shape.Length == expected.Shape.Count;
        for (var d = 1; matches && d < shape.Length; d++)
        {
            matches = shape[d] == expected.Shape[d];
        }

        if (!matches)
        {
            return Invalid($"{Label(tensor)}: expected shape [{string.Join(',', expected.Shape)}] (first dimension: batch size), got {Format(shape)}");
        }

        if (shape[0] < 1)
        {
            return Invalid($"{Label(tensor)}: batch size (first dimension) must be at least 1, got {shape[0]}");
        }

        return shape[0] > maxBatchSize
            ? Invalid($"{Label(tensor)}: batch size {shape[0]} exceeds the model's max_batch_size {maxBatchSize}")
            : null;
    }

    private static InferenceError? ResolveOutputs(ModelInferRequest message, ModelDefinition model, out int[] requested)
    {
        var outputs = model.Config.Outputs;
        if (message.Outputs.Count == 0)
        {
            requested = model.AllOutputs;
            return null;
        }

        requested = new int[message.Outputs.Count];
        for (var i = 0; i < requested.Length; i++)
        {
            var name = message.Outputs[i].Name;
            var index = IndexOf(outputs, name);
            if (index < 0)
            {
                return Invalid($"Requested output '{name}' is not an output of model '{model.Name}'; outputs: {Names(outputs)}");
            }

            if (Array.IndexOf(requested, index, 0, i) >= 0)
            {
                return Invalid($"Requested output '{name}' is asked for twice");
            }

            requested[i] = index;
        }

        return null;
    }

    private static bool HasTypedContents(InferTensorContents? contents)
        => contents is not null
           && (contents.Fp32Contents.Count > 0 || contents.BoolContents.Count > 0 || contents.IntContents.Count > 0
               || contents.Int64Contents.Count > 0 || contents.UintContents.Count > 0 || contents.Uint64Contents.Count > 0
               || contents.Fp64Contents.Count > 0 || contents.BytesContents.Count > 0);

    /// <summary>
    /// The first NaN or infinity, or -1. A float is not finite exactly when its exponent bits are all ones, i.e. its
    /// bits as an int lie in [0x7F800000, 0x7FFFFFFF] (positive) or [0xFF800000, 0xFFFFFFFF] (negative): two
    /// vectorised range searches instead of a scalar loop over every value of every request.
    /// </summary>
    internal static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        var bits = MemoryMarshal.Cast<float, int>(values);
        var positive = bits.IndexOfAnyInRange(0x7F800000, int.MaxValue);
        var negative = bits.IndexOfAnyInRange(unchecked((int)0xFF800000), -1);
        return positive < 0 ? negative : negative < 0 ? positive : Math.Min(positive, negative);
    }

    private static int IndexOf(IReadOnlyList<TensorConfig> tensors, string name)
    {
        for (var i = 0; i < tensors.Count; i++)
        {
            if (string.Equals(tensors[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static string Names(IReadOnlyList<TensorConfig> tensors) => string.Join(", ", tensors.Select(t => $"'{t.Name}'"));

    // Built only for an error message: a valid request allocates no text.
    private static string Label(ModelInferRequest.Types.InferInputTensor tensor) => $"Input '{tensor.Name}'";

    private static string Format(long[] shape) => $"[{string.Join(',', shape)}]";

    private static InferenceError Invalid(string message) => InferenceError.InvalidArgument(message);
}
