using EnsembleGrpc.LoadGen.Backend;
using Grpc.Core;

namespace EnsembleGrpc.LoadGen.Preflight;

/// <summary>
/// Before a run: asks the target for the model's metadata and checks that what LoadGen will send is accepted
/// (the model exists, the input exists, is FP32 and its dims match the request's, -1 matching anything), and picks
/// the input and output names the user did not give. A server without ModelMetadata (UNIMPLEMENTED) is trusted.
/// </summary>
public static class ModelCheck
{
    public const string DefaultInputName = "input";

    public const string DefaultOutputName = "probabilities";

    /// <summary>The datatype of every tensor LoadGen sends.</summary>
    public const string Datatype = "FP32";

    public static async Task<ModelCheckResult> RunAsync(IInferenceBackend backend, ModelCheckRequest request, CancellationToken cancellationToken)
    {
        var metadata = await backend.GetMetadataAsync(request.Model, request.Version, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<string>? models = null;
        if (metadata.Status == StatusCode.NotFound)
        {
            // ModelMetadata tells about one model only; the statistics of every model name the others.
            var statistics = await backend.GetStatisticsAsync(null, null, cancellationToken).ConfigureAwait(false);
            models = statistics?.Select(s => s.Model).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        }

        return Evaluate(request, metadata, models);
    }

    /// <summary>Checks a metadata answer against the request; <paramref name="models"/> are the server's models when it said NOT_FOUND.</summary>
    public static ModelCheckResult Evaluate(ModelCheckRequest request, MetadataOutcome metadata, IReadOnlyList<string>? models = null)
    {
        var model = $"model '{request.Model}'" + (request.Version is { Length: > 0 } v ? $" version {v}" : string.Empty);
        switch (metadata.Status)
        {
            case StatusCode.OK when metadata.Model is { } info:
                return Check(request, info, model);
            case StatusCode.Unimplemented:
                return new ModelCheckResult
                {
                    Note = $"{request.Target} does not offer ModelMetadata: sending input '{request.InputName ?? DefaultInputName}' unchecked",
                    InputName = request.InputName ?? DefaultInputName,
                    OutputName = request.OutputNameGiven ? request.OutputName : DefaultOutputName,
                };
            case StatusCode.NotFound:
                var known = models is null ? "it did not list its models"
                    : models.Count == 0 ? "it serves no models" : "it serves: " + string.Join(", ", models);
                return ModelCheckResult.Failed($"{model} not found at {request.Target} ({Message(metadata)}); {known}");
            default:
                return ModelCheckResult.Failed($"cannot read the metadata of {model} from {request.Target}: {metadata.Status}: {Message(metadata)}");
        }
    }

    private static ModelCheckResult Check(ModelCheckRequest request, ModelInfo info, string model)
    {
        if (PickInput(request, info, model, out var input) is { } inputError)
        {
            return ModelCheckResult.Failed(inputError);
        }

        if (input.Datatype != Datatype)
        {
            return ModelCheckResult.Failed($"{model} input '{input.Name}' is {input.Datatype}; LoadGen sends {Datatype}");
        }

        if (!ShapeMatches(input.Shape, request.Shape))
        {
            return ModelCheckResult.Failed($"{model} input '{input.Name}' takes [{string.Join(',', input.Shape)}]; LoadGen would send [{string.Join(',', request.Shape)}] (batch × --input-shape or the data set's images)");
        }

        if (PickOutput(request, info, model, out var output) is { } outputError)
        {
            return ModelCheckResult.Failed(outputError);
        }

        return new ModelCheckResult { InputName = input.Name, OutputName = output };
    }

    private static string? PickInput(ModelCheckRequest request, ModelInfo info, string model, out TensorInfo input)
    {
        var named = request.InputName ?? (info.Inputs.Count == 1 ? info.Inputs[0].Name : DefaultInputName);
        input = info.Inputs.FirstOrDefault(i => i.Name == named)!;
        if (input is not null)
        {
            return null;
        }

        var inputs = info.Inputs.Count == 0 ? "none" : string.Join("; ", info.Inputs);
        return request.InputName is null
            ? $"{model} has {info.Inputs.Count} inputs ({inputs}): give --input-name"
            : $"{model} has no input '{request.InputName}' (inputs: {inputs})";
    }

    private static string? PickOutput(ModelCheckRequest request, ModelInfo info, string model, out string? output)
    {
        if (request.OutputNameGiven)
        {
            var given = request.OutputName;
            output = given;
            return given is null || info.Outputs.Any(o => o.Name == given)
                ? null
                : $"{model} has no output '{given}' (outputs: {string.Join("; ", info.Outputs)})";
        }

        // Not given: the class scores by their usual name, the only output, or every output (the first is read).
        output = info.Outputs.Any(o => o.Name == DefaultOutputName) ? DefaultOutputName
            : info.Outputs.Count == 1 ? info.Outputs[0].Name
            : null;
        return null;
    }

    /// <summary>Same rank, and every dimension equal or variable (-1) in the metadata.</summary>
    public static bool ShapeMatches(IReadOnlyList<long> accepted, IReadOnlyList<long> sent)
        => accepted.Count == sent.Count && accepted.Zip(sent).All(d => d.First < 0 || d.First == d.Second);

    private static string Message(MetadataOutcome metadata) => string.IsNullOrWhiteSpace(metadata.Error) ? "no message" : metadata.Error.Trim();
}
