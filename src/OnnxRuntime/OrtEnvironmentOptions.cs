namespace EnsembleGrpc.OnnxRuntime;

/// <summary>Process-wide ONNX Runtime settings, fixed when the first <see cref="OrtEnvironment"/> is created.</summary>
public sealed record OrtEnvironmentOptions
{
    /// <summary>
    /// Path of <c>libonnxruntime.so.1</c> to load (e.g. a CUDA-enabled build). When null: <c>ENSEMBLEGRPC_ORT_LIBRARY</c>,
    /// then the file beside the application, then the build's fetch cache.
    /// </summary>
    public string? LibraryPath { get; init; }

    /// <summary>Least severe ORT messages written to stderr.</summary>
    public OrtLoggingLevel LoggingLevel { get; init; } = OrtLoggingLevel.Warning;

    /// <summary>Prefix of ORT's log lines.</summary>
    public string LogId { get; init; } = "EnsembleGrpc";
}
