using EnsembleGrpc.Router.Preprocessing;

namespace EnsembleGrpc.Router.Frontend;

/// <summary>
/// The inputs every ensemble advertises in ModelMetadata and accepts in ModelInfer, Triton's way: one name per
/// datatype. A request sends exactly one of them. <see cref="Tensor"/> is the members' own input, passed through;
/// <see cref="Image"/> takes UINT8 images of any size the preprocessor accepts ([N,H,W,C], or [N,H,W] for gray).
/// </summary>
public static class RouterInputs
{
    /// <summary>FP32 [N,1,28,28], values pixel/255 in [0, 1].</summary>
    public const string Tensor = "input";

    /// <summary>UINT8 [N,H,W,C] (C = 1, 3 or 4) or [N,H,W]; resized and normalised by the router.</summary>
    public const string Image = "image";

    public const string TensorDatatype = "FP32";
    public const string ImageDatatype = "UINT8";

    /// <summary>The advertised shapes (-1: any size; the first dimension is the batch).</summary>
    public static long[] TensorShape => [-1, 1, ModelInput.Height, ModelInput.Width];

    public static long[] ImageShape => [-1, -1, -1, -1];

    /// <summary>The datatype an input of that name must have, or null when the name is not an input.</summary>
    public static string? DatatypeOf(string name) => name switch
    {
        Tensor => TensorDatatype,
        Image => ImageDatatype,
        _ => null,
    };

    /// <summary>For INVALID_ARGUMENT messages.</summary>
    public static string Describe() =>
        $"'{Tensor}' ({TensorDatatype} [N,1,28,28], values pixel/255 in [0, 1]) or '{Image}' ({ImageDatatype} [N,H,W,C] or [N,H,W])";
}
