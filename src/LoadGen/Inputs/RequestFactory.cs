using EnsembleGrpc.LoadGen.Backend;

namespace EnsembleGrpc.LoadGen.Inputs;

/// <summary>
/// Turns a request's sequence number into the request to send: samples cycled in order, parameters from
/// <see cref="RequestParameters"/>. Thread-safe; requests without per-request parameters are built once and marked
/// <see cref="InferRequestData.Reusable"/>, so the backend encodes each sample once for the whole run.
/// </summary>
public sealed class RequestFactory
{
    private readonly InferRequestData[] _prepared;
    private readonly RequestParameters _parameters;
    private readonly bool _perRequest;

    public RequestFactory(string model, string? version, string inputName, string? outputName, IReadOnlyList<InputSample> samples, RequestParameters parameters)
    {
        if (samples.Count == 0)
        {
            throw new ArgumentException("at least one input sample is needed", nameof(samples));
        }

        _parameters = parameters;
        var fixedParameters = parameters.For(0, out _perRequest);
        _prepared = samples.Select(s => new InferRequestData
        {
            Model = model,
            ModelVersion = version,
            InputName = inputName,
            OutputName = outputName,
            Shape = s.Shape,
            RawInput = s.Tensor,
            Labels = s.Labels,
            Parameters = fixedParameters,
            Reusable = !_perRequest,
        }).ToArray();
    }

    public int SampleCount => _prepared.Length;

    public InferRequestData Create(long sequence)
    {
        var prepared = _prepared[sequence % _prepared.Length];
        return _perRequest ? prepared with { Parameters = _parameters.For(sequence, out _), Reusable = false } : prepared;
    }
}
