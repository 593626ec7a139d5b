namespace EnsembleGrpc.Router.Preprocessing;

/// <summary>
/// The steps of the MNIST-style normalisation of UINT8 images (docs: config/README.md, "Preprocessing"). Grayscale
/// conversion and scaling to pixel/255 always run; each of these can be turned off per request with
/// <see cref="PreprocessStepsParser.ParameterName"/>, for clients that already did it.
/// </summary>
[Flags]
public enum PreprocessSteps
{
    None = 0,

    /// <summary>Background detection from the border, and inversion of dark-on-light images.</summary>
    Invert = 1,

    /// <summary>Contrast stretch: background to 0, ink to 255 (before the box), and the resized ink's peak to 255.</summary>
    Contrast = 2,

    /// <summary>Small-speck removal: ink components much smaller than the largest, and pixels away from ink, are cleared.</summary>
    Denoise = 4,

    /// <summary>Crop to the ink's bounding box (Otsu threshold) and scale it to fit 20×20 keeping the aspect ratio.</summary>
    Box = 8,

    /// <summary>Place the ink in 28×28 by its centre of mass (else by its box's centre).</summary>
    Center = 16,

    All = Invert | Contrast | Denoise | Box | Center,
}
