using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace EnsembleGrpc.InferenceServer.Execution;

/// <summary>
/// Whether ONNX Runtime's CUDA execution provider loads in this process. Appending it to session options loads
/// libonnxruntime_providers_cuda.so and with it the CUDA runtime, cuBLAS and cuDNN; where a library or the driver
/// is missing that fails with "Failed to load shared library" and the missing file's name. Checked once per
/// device and process (loading is not undone, and the answer does not change while the process runs).
/// </summary>
public static class CudaProvider
{
    private static readonly ConcurrentDictionary<int, Lazy<string?>> Probes = new();

    /// <summary>Null when the CUDA provider loads for <paramref name="deviceId"/>; otherwise why not, on one line.</summary>
    public static string? UnavailableReason(int deviceId)
        => Probes.GetOrAdd(deviceId, static id => new Lazy<string?>(() => Probe(id))).Value;

    /// <summary>Appends the CUDA provider for <paramref name="deviceId"/> to <paramref name="options"/>.</summary>
    /// <exception cref="OnnxRuntimeException">The provider or one of its libraries cannot load.</exception>
    public static void Append(SessionOptions options, int deviceId) => options.AppendExecutionProvider_CUDA(deviceId);

    /// <summary>ONNX Runtime's messages span lines (and repeat the path); logs and exit messages want one.</summary>
    public static string OneLine(string message)
        => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string? Probe(int deviceId)
    {
        var (failure, messages) = OrtNativeLog.Capture(() =>
        {
            using var options = new SessionOptions();
            Append(options, deviceId);
        });
        return failure switch
        {
            null => null,
            OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException or TypeInitializationException => Explain(failure.Message, messages),
            _ => Rethrow(failure),
        };
    }

    private static string Rethrow(Exception failure)
    {
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        return string.Empty;
    }

    /// <summary>
    /// The exception says only "Failed to load shared library"; ORT's log line before it names the library and the
    /// loader's error (e.g. "libcublasLt.so.13: cannot open shared object file"), which is what an operator needs.
    /// </summary>
    internal static string Explain(string exceptionMessage, IReadOnlyList<string> nativeMessages)
    {
        const string Marker = "Failed to load library ";
        var detail = nativeMessages.Select(OneLine).LastOrDefault(m => m.Contains(Marker, StringComparison.Ordinal));
        return detail is null
            ? OneLine(exceptionMessage)
            : $"{OneLine(exceptionMessage)} ({detail[detail.IndexOf(Marker, StringComparison.Ordinal)..]})";
    }
}
