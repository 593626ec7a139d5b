using EnsembleGrpc.Router.Preprocessing;

namespace EnsembleGrpc.Router.Engine;

/// <summary>
/// One inference request as the engine sees it, lifted out of a protocol by a front end: the virtual model, the input
/// tensor (or why the front end could not read one), and the router's own parameters.
/// </summary>
public sealed record InferenceRequest
{
    public required string Model { get; init; }

    /// <summary>Empty: the one version every ensemble has.</summary>
    public string Version { get; init; } = "";

    /// <summary>The tensor; null when the front end could not read it (then <see cref="TensorError"/> says why).</summary>
    public ImageTensor? Tensor { get; init; }

    public string? TensorError { get; init; }

    /// <summary>A strategy the client asked for by name (overrides the traffic assignment); null for none.</summary>
    public string? Strategy { get; init; }

    /// <summary>
    /// Normalisation steps to skip for UINT8 images, as the client wrote them (parameter
    /// <see cref="PreprocessStepsParser.ParameterName"/>); null for none.
    /// </summary>
    public string? PreprocessSkip { get; init; }

    /// <summary>Sticky routing key; null for none.</summary>
    public string? RoutingKey { get; init; }

    /// <summary>
    /// Who sent it, for fair admission: the front end's name for the client's connection (any string equal for the
    /// same client); empty for an unnamed client.
    /// </summary>
    public string Client { get; init; } = "";

    /// <summary>The client's request id; the engine makes one when empty (feedback refers to it).</summary>
    public string? Id { get; init; }

    /// <summary>When the request arrived (TimeProvider timestamp), for the statistics.</summary>
    public long Arrival { get; init; }

    /// <summary>When the front end started decoding it (TimeProvider timestamp).</summary>
    public long DecodeStart { get; init; }
}
