
namespace EnsembleGrpc.OnnxRuntime.Interop;

/// <summary>Turns a non-null <c>OrtStatus*</c> into an <see cref="OnnxRuntimeException"/>, releasing the status.</summary>
internal static unsafe class OrtStatus
{
    public static void ThrowIfFailed(nint status)
    {
        if (status != 0)
        {
            throw ToException(status, context: null);
        }
    }

    /// <param name="status">A non-null status; released here.</param>
    /// <param name="context">Prefix saying what we were doing (e.g. "Loading model '…'"); ORT's own message follows.</param>
    public static OnnxRuntimeException ToException(nint status, string? context)
    {
        using var owned = new OrtStatusHandle(status);
        OrtApi api = OrtApi.Loaded;
        OrtErrorCode code = api.GetErrorCode(status);
        // The message buffer belongs to the status: copy it before the status is released.
        string message = Utf8.Decode(api.GetErrorMessage(status));
        return new OnnxRuntimeException(code, context is null ? message : $"{context}: {message}", message);
    }
}
