namespace EnsembleGrpc.OnnxRuntime.Interop;

/// <summary>Builds an <c>OrtSessionOptions</c> from <see cref="SessionOptions"/>.</summary>
internal static unsafe class NativeSessionOptions
{
    public const string IntraOpSpinningKey = "session.intra_op.allow_spinning";
    public const string InterOpSpinningKey = "session.inter_op.allow_spinning";

    public static OrtSessionOptionsHandle Create(OrtApi api, SessionOptions options)
    {
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid session options: " + string.Join(" ", errors), nameof(options));
        }

        nint raw;
        OrtStatus.ThrowIfFailed(api.CreateSessionOptions(&raw));
        var handle = new OrtSessionOptionsHandle(raw);
        try
        {
            OrtStatus.ThrowIfFailed(api.SetIntraOpNumThreads(raw, options.IntraOpThreads));
            OrtStatus.ThrowIfFailed(api.SetInterOpNumThreads(raw, options.InterOpThreads));
            OrtStatus.ThrowIfFailed(api.SetSessionGraphOptimizationLevel(raw, (int)options.GraphOptimizationLevel));
            OrtStatus.ThrowIfFailed(api.SetSessionExecutionMode(raw, (int)options.ExecutionMode));
            string spinning = options.AllowSpinning ? "1" : "0";
            AddConfigEntry(api, raw, IntraOpSpinningKey, spinning);
            AddConfigEntry(api, raw, InterOpSpinningKey, spinning);
            if (options.ExecutionProvider == ExecutionProvider.Cuda)
            {
                AppendCuda(api, raw, options.CudaDeviceId);
            }

            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public static void AddConfigEntry(OrtApi api, nint sessionOptions, string key, string value)
    {
        fixed (byte* k = Utf8.Encode(key))
        fixed (byte* v = Utf8.Encode(value))
        {
            nint status = api.AddSessionConfigEntry(sessionOptions, k, v);
            if (status != 0)
            {
                throw OrtStatus.ToException(status, $"Setting session option {key}={value}");
            }
        }
    }

    private static void AppendCuda(OrtApi api, nint sessionOptions, int deviceId)
    {
        nint cuda;
        nint status = api.CreateCudaProviderOptions(&cuda);
        if (status != 0)
        {
            throw CudaException(api, status, deviceId);
        }

        using var cudaHandle = new OrtCudaProviderOptionsHandle(cuda);
        fixed (byte* key = Utf8.Encode("device_id"))
        fixed (byte* value = Utf8.Encode(deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            status = api.UpdateCudaProviderOptions(cuda, &key, &value, 1);
        }

        if (status == 0)
        {
            status = api.SessionOptionsAppendExecutionProviderCudaV2(sessionOptions, cuda);
        }

        if (status != 0)
        {
            throw CudaException(api, status, deviceId);
        }
    }

    private static OnnxRuntimeException CudaException(OrtApi api, nint status, int deviceId)
    {
        OnnxRuntimeException native = OrtStatus.ToException(status, context: null);
        return new OnnxRuntimeException(native.ErrorCode,
            $"The CUDA execution provider (device {deviceId}) could not be enabled with the ONNX Runtime library " +
            $"'{api.LibraryPath}': {native.NativeMessage} " +
            "CUDA needs the CUDA-enabled ONNX Runtime build (libonnxruntime_providers_shared.so and " +
            "libonnxruntime_providers_cuda.so beside its libonnxruntime.so.1) plus the CUDA and cuDNN libraries it was built " +
            $"against; point {OrtLibraryLoader.LibraryPathVariable} (or OrtEnvironmentOptions.LibraryPath) at that build's " +
            "libonnxruntime.so.1, or use ExecutionProvider.Cpu.",
            native.NativeMessage);
    }
}
