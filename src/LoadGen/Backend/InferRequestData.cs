namespace EnsembleGrpc.LoadGen.Backend;

/// <summary>
/// One request, independent of the wire: a prepared input tensor (row-major FP32, little-endian bytes shared
/// between requests), the labels of its rows when known, and request parameters.
/// </summary>
public sealed record InferRequestData
{
    public required string Model { get; init; }

    public string? ModelVersion { get; init; }

    public required string InputName { get; init; }

    public required long[] Shape { get; init; }

    /// <summary>FP32 tensor bytes, little-endian, row-major; shared by every request built from this sample.</summary>
    public required ReadOnlyMemory<byte> RawInput { get; init; }

    /// <summary>Labels of the batch's rows, or null for random input.</summary>
    public int[]? Labels { get; init; }

    /// <summary>String request parameters (ensemble_strategy, routing_key, any --param).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; } = [];

    /// <summary>Name of the output holding class scores, or null for the first output.</summary>
    public string? OutputName { get; init; }

    /// <summary>
    /// True when this very instance is sent again and again unchanged (a prepared sample without per-request
    /// parameters): a backend may then encode it once and reuse the encoding. A <c>with</c> copy must say false.
    /// </summary>
    public bool Reusable { get; init; }

    public int BatchSize => Shape.Length == 0 ? 1 : (int)Shape[0];
}
