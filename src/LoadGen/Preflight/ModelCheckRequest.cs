namespace EnsembleGrpc.LoadGen.Preflight;

/// <summary>
/// What LoadGen is about to send: the model, the input it names (null: not given, take it from the metadata), the
/// full shape of one request (batch first), and the output it asks for (not given: from the metadata; "" or null
/// when given: every output).
/// </summary>
public sealed record ModelCheckRequest
{
    public required string Target { get; init; }

    public required string Model { get; init; }

    public string? Version { get; init; }

    public string? InputName { get; init; }

    public required IReadOnlyList<long> Shape { get; init; }

    public bool OutputNameGiven { get; init; }

    public string? OutputName { get; init; }
}
