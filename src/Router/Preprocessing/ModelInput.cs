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

    // The tensor's values first; longer than the tensor only for a batch over a rented buffer.
    private readonly float[] _values;
    private ReadOnlyMemory<byte>? _bytes;

    public ModelInput(float[] data, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (data.Length != batchSize * PixelsPerImage)
        {
            throw new ArgumentException($"Expected {batchSize * PixelsPerImage} values for [{batchSize},1,28,28]; got {data.Length}.", nameof(data));
        }

        _values = data;
        BatchSize = batchSize;
    }

    private ModelInput(float[] rented, int batchSize, bool isRented)
    {
        _values = rented;
        BatchSize = batchSize;
        RentedBuffer = isRented ? rented : null;
    }

    /// <summary>The values, [N,1,28,28] row-major. Read-only by contract.</summary>
    public ReadOnlySpan<float> Values => _values.AsSpan(0, Length);

    public int BatchSize { get; }

    /// <summary>Values in the tensor: <see cref="BatchSize"/> × <see cref="PixelsPerImage"/>.</summary>
    public int Length => BatchSize * PixelsPerImage;

    /// <summary>Shape as sent to the workers.</summary>
    public long[] Shape => [BatchSize, 1, Height, Width];

    /// <summary>
    /// The values as little-endian bytes (the protocol's raw contents): the values themselves, not a copy, shared by
    /// every member call. Read-only by contract, like <see cref="Values"/>.
    /// </summary>
    public ReadOnlyMemory<byte> Bytes => _bytes ??= new FloatBytesMemory(_values, Length).Memory;

    /// <summary>
    /// The buffer from <see cref="System.Buffers.ArrayPool{T}.Shared"/> under a batch made by <see cref="OverRented"/>
    /// (its owner returns it once no call can read it any more); null otherwise.
    /// </summary>
    internal float[]? RentedBuffer { get; }

    /// <summary>A batch whose values are the first <paramref name="batchSize"/> × 784 of a rented buffer.</summary>
    internal static ModelInput OverRented(float[] rented, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(rented);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rented.Length, batchSize * PixelsPerImage);
        return new ModelInput(rented, batchSize, isRented: true);
    }
}
