namespace EnsembleGrpc.OnnxRuntime;

/// <summary>
/// An error from ONNX Runtime, or from this binding's checks made before calling it (those use
/// <see cref="OrtErrorCode.InvalidArgument"/> or <see cref="OrtErrorCode.NoSuchFile"/>, as ORT itself would),
/// so callers map one exception type to their own error codes.
/// </summary>
public sealed class OnnxRuntimeException : Exception
{
    public OnnxRuntimeException(OrtErrorCode errorCode, string message)
        : this(errorCode, message, nativeMessage: null)
    {
    }

    public OnnxRuntimeException(OrtErrorCode errorCode, string message, string? nativeMessage)
        : base(message)
    {
        ErrorCode = errorCode;
        NativeMessage = nativeMessage;
    }

    public OrtErrorCode ErrorCode { get; }

    /// <summary>ORT's own message when the error came from ORT; null for the binding's own checks.</summary>
    public string? NativeMessage { get; }
}
