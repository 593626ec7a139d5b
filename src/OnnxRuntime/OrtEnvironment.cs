using EnsembleGrpc.OnnxRuntime.Interop;

namespace EnsembleGrpc.OnnxRuntime;

/// <summary>
/// The process's ONNX Runtime: loads the native library, owns the <c>OrtEnv</c> (ORT keeps one per process) and a
/// shared CPU memory description for input tensors. Created once and kept for the life of the process, because
/// every session must be released before the env and sessions may live anywhere.
/// </summary>
public sealed unsafe class OrtEnvironment
{
    private static readonly Lock Gate = new();
    private static OrtEnvironment? s_instance;

    private OrtEnvironment(OrtEnvironmentOptions options, OrtApi api, OrtEnvHandle env, OrtMemoryInfoHandle cpuMemoryInfo)
    {
        Options = options;
        Api = api;
        Handle = env;
        CpuMemoryInfo = cpuMemoryInfo;
        BuildInfo = Utf8.Decode(api.GetBuildInfoString());
    }

    public OrtEnvironmentOptions Options { get; }

    /// <summary>Full path of the loaded <c>libonnxruntime.so.1</c>.</summary>
    public string LibraryPath => Api.LibraryPath;

    /// <summary>ORT's version, e.g. "1.30.0".</summary>
    public string Version => Api.Version;

    /// <summary>ORT's build description ("ORT Build Info: git-branch=…, build type=…").</summary>
    public string BuildInfo { get; }

    internal OrtApi Api { get; }

    internal OrtEnvHandle Handle { get; }

    internal OrtMemoryInfoHandle CpuMemoryInfo { get; }

    /// <summary>
    /// Returns the process's environment, creating it on first use. Options can only be chosen by the first caller:
    /// asking again with different options is an error rather than being silently ignored.
    /// </summary>
    public static OrtEnvironment GetOrCreate(OrtEnvironmentOptions? options = null)
    {
        lock (Gate)
        {
            if (s_instance is not null)
            {
                if (options is not null && options != s_instance.Options)
                {
                    throw new InvalidOperationException(
                        $"ONNX Runtime is already initialised with {s_instance.Options}; it can be initialised once per process " +
                        $"(asked for {options}).");
                }

                return s_instance;
            }

            options ??= new OrtEnvironmentOptions();
            OrtApi api = OrtApi.Load(options.LibraryPath);
            OrtEnvHandle env = CreateEnv(api, options.LoggingLevel, options.LogId);
            nint memoryInfo;
            // OrtArenaAllocator = 1, OrtMemTypeDefault = 0: plain CPU memory, as our pinned managed buffers are.
            OrtStatus.ThrowIfFailed(api.CreateCpuMemoryInfo(1, 0, &memoryInfo));
            s_instance = new OrtEnvironment(options, api, env, new OrtMemoryInfoHandle(memoryInfo));
            return s_instance;
        }
    }

    /// <summary>Execution providers compiled into the loaded library (not necessarily usable: CUDA needs more, see <see cref="ExecutionProvider.Cuda"/>).</summary>
    public IReadOnlyList<string> GetAvailableProviders()
    {
        byte** names;
        int count;
        OrtStatus.ThrowIfFailed(Api.GetAvailableProviders(&names, &count));
        var providers = new string[count];
        try
        {
            for (int i = 0; i < count; i++)
            {
                providers[i] = Utf8.Decode(names[i]);
            }
        }
        finally
        {
            OrtStatus.ThrowIfFailed(Api.ReleaseAvailableProviders(names, count));
        }

        return providers;
    }

    /// <summary>Creates a session for the model at <paramref name="modelPath"/>; same as the <see cref="InferenceSession"/> constructor.</summary>
    public InferenceSession CreateSession(string modelPath, SessionOptions? options = null) => new(modelPath, options, this);

    internal static OrtEnvHandle CreateEnv(OrtApi api, OrtLoggingLevel level, string logId)
    {
        nint env;
        fixed (byte* id = Utf8.Encode(logId))
        {
            OrtStatus.ThrowIfFailed(api.CreateEnv((int)level, id, &env));
        }

        return new OrtEnvHandle(env);
    }
}
