namespace EnsembleGrpc.Router.Preprocessing;

/// <summary>
/// The preprocessed batch every member receives: FP32 [N,1,28,28], pixel/255 with light digits on dark. Made once per
/// request and shared by all members (and the shadow), so it must not be mutated after construction.
/// </summary>
public sealed class ModelInput
{
    public const int Height = 28;
    public const int Width = 28;
    public const int PixelsPerImage = Height * Width;

    private ReadOnlyMemory<byte>? _bytes;

    public ModelInput(float[] data, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (data.Length != batchSize * PixelsPerImage)
        {
            throw new ArgumentException($"Expected {batchSize * PixelsPerImage} values for [{batchSize},1,28,28]; got {data.Length}.", nameof(data));
        }

        Data = data;
        BatchSize = batchSize;
    }

    public float[] Data { get; }

    public int BatchSize { get; }

    /// <summary>Shape as sent to the workers.</summary>
    public long[] Shape => [BatchSize, 1, Height, Width];

    /// <summary>
    /// The values as little-endian bytes (the protocol's raw contents): <see cref="Data"/> itself, not a copy, shared by
    /// every member call. Read-only by contract, like <see cref="Data"/>.
    /// </summary>
    public ReadOnlyMemory<byte> Bytes => _bytes ??= new FloatBytesMemory(Data).Memory;
}
