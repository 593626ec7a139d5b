using System.Runtime.InteropServices;

namespace EnsembleGrpc.OnnxRuntime.Interop;

/// <summary>
/// The <c>OrtApi</c> function table read once into unmanaged function pointers: calls go straight to ORT with no
/// marshalling stubs or delegates. Opaque ORT objects are <see cref="nint"/>, C strings are <c>byte*</c> (UTF-8),
/// and functions returning <c>OrtStatus*</c> return <see cref="nint"/> (0 = success).
/// </summary>
internal sealed unsafe class OrtApi
{
    /// <summary>The C API version this binding is written against; asked for exactly (never probed).</summary>
    public const uint ApiVersion = 30;

    public readonly delegate* unmanaged[Cdecl]<nint, OrtErrorCode> GetErrorCode;
    public readonly delegate* unmanaged[Cdecl]<nint, byte*> GetErrorMessage;
    public readonly delegate* unmanaged[Cdecl]<int, byte*, nint*, nint> CreateEnv;
    public readonly delegate* unmanaged[Cdecl]<nint, byte*, nint, nint*, nint> CreateSession;
    public readonly delegate* unmanaged[Cdecl]<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint> Run;
    public readonly delegate* unmanaged[Cdecl]<nint*, nint> CreateSessionOptions;
    public readonly delegate* unmanaged[Cdecl]<nint, int, nint> SetSessionExecutionMode;
    public readonly delegate* unmanaged[Cdecl]<nint, int, nint> SetSessionGraphOptimizationLevel;
    public readonly delegate* unmanaged[Cdecl]<nint, int, nint> SetIntraOpNumThreads;
    public readonly delegate* unmanaged[Cdecl]<nint, int, nint> SetInterOpNumThreads;
    public readonly delegate* unmanaged[Cdecl]<nint, nuint*, nint> SessionGetInputCount;
    public readonly delegate* unmanaged[Cdecl]<nint, nuint*, nint> SessionGetOutputCount;
    public readonly delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint> SessionGetInputTypeInfo;
    public readonly delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint> SessionGetOutputTypeInfo;
    public readonly delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint> SessionGetInputName;
    public readonly delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint> SessionGetOutputName;
    public readonly delegate* unmanaged[Cdecl]<nint, void*, nuint, long*, nuint, int, nint*, nint> CreateTensorWithDataAsOrtValue;
    public readonly delegate* unmanaged[Cdecl]<nint, void**, nint> GetTensorMutableData;
    public readonly delegate* unmanaged[Cdecl]<nint, nint*, nint> CastTypeInfoToTensorInfo;
    public readonly delegate* unmanaged[Cdecl]<nint, int*, nint> GetOnnxTypeFromTypeInfo;
    public readonly delegate* unmanaged[Cdecl]<nint, int*, nint> GetTensorElementType;
    public readonly delegate* unmanaged[Cdecl]<nint, nuint*, nint> GetDimensionsCount;
    public readonly delegate* unmanaged[Cdecl]<nint, long*, nuint, nint> GetDimensions;
    public readonly delegate* unmanaged[Cdecl]<nint, byte**, nuint, nint> GetSymbolicDimensions;
    public readonly delegate* unmanaged[Cdecl]<nint, nuint*, nint> GetTensorShapeElementCount;
    public readonly delegate* unmanaged[Cdecl]<nint, nint*, nint> GetTensorTypeAndShape;
    public readonly delegate* unmanaged[Cdecl]<int, int, nint*, nint> CreateCpuMemoryInfo;
    public readonly delegate* unmanaged[Cdecl]<nint, void*, nint> AllocatorFree;
    public readonly delegate* unmanaged[Cdecl]<nint*, nint> GetAllocatorWithDefaultOptions;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseEnv;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseStatus;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseMemoryInfo;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseSession;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseValue;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseTypeInfo;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseTensorTypeAndShapeInfo;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseSessionOptions;
    public readonly delegate* unmanaged[Cdecl]<byte***, int*, nint> GetAvailableProviders;
    public readonly delegate* unmanaged[Cdecl]<byte**, int, nint> ReleaseAvailableProviders;
    public readonly delegate* unmanaged[Cdecl]<nint, byte*, byte*, nint> AddSessionConfigEntry;
    public readonly delegate* unmanaged[Cdecl]<nint, nint, nint> SessionOptionsAppendExecutionProviderCudaV2;
    public readonly delegate* unmanaged[Cdecl]<nint*, nint> CreateCudaProviderOptions;
    public readonly delegate* unmanaged[Cdecl]<nint, byte**, byte**, nuint, nint> UpdateCudaProviderOptions;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseCudaProviderOptions;
    public readonly delegate* unmanaged[Cdecl]<byte*> GetBuildInfoString;

    private static readonly Lock Gate = new();
    private static OrtApi? s_loaded;

    private OrtApi(string libraryPath, string version, void** table)
    {
        LibraryPath = libraryPath;
        Version = version;
        GetErrorCode = (delegate* unmanaged[Cdecl]<nint, OrtErrorCode>)Slot(table, OrtApiIndex.GetErrorCode);
        GetErrorMessage = (delegate* unmanaged[Cdecl]<nint, byte*>)Slot(table, OrtApiIndex.GetErrorMessage);
        CreateEnv = (delegate* unmanaged[Cdecl]<int, byte*, nint*, nint>)Slot(table, OrtApiIndex.CreateEnv);
        CreateSession = (delegate* unmanaged[Cdecl]<nint, byte*, nint, nint*, nint>)Slot(table, OrtApiIndex.CreateSession);
        Run = (delegate* unmanaged[Cdecl]<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint>)Slot(table, OrtApiIndex.Run);
        CreateSessionOptions = (delegate* unmanaged[Cdecl]<nint*, nint>)Slot(table, OrtApiIndex.CreateSessionOptions);
        SetSessionExecutionMode = (delegate* unmanaged[Cdecl]<nint, int, nint>)Slot(table, OrtApiIndex.SetSessionExecutionMode);
        SetSessionGraphOptimizationLevel = (delegate* unmanaged[Cdecl]<nint, int, nint>)Slot(table, OrtApiIndex.SetSessionGraphOptimizationLevel);
        SetIntraOpNumThreads = (delegate* unmanaged[Cdecl]<nint, int, nint>)Slot(table, OrtApiIndex.SetIntraOpNumThreads);
        SetInterOpNumThreads = (delegate* unmanaged[Cdecl]<nint, int, nint>)Slot(table, OrtApiIndex.SetInterOpNumThreads);
        SessionGetInputCount = (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)Slot(table, OrtApiIndex.SessionGetInputCount);
        SessionGetOutputCount = (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)Slot(table, OrtApiIndex.SessionGetOutputCount);
        SessionGetInputTypeInfo = (delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint>)Slot(table, OrtApiIndex.SessionGetInputTypeInfo);
        SessionGetOutputTypeInfo = (delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint>)Slot(table, OrtApiIndex.SessionGetOutputTypeInfo);
        SessionGetInputName = (delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint>)Slot(table, OrtApiIndex.SessionGetInputName);
        SessionGetOutputName = (delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint>)Slot(table, OrtApiIndex.SessionGetOutputName);
        CreateTensorWithDataAsOrtValue = (delegate* unmanaged[Cdecl]<nint, void*, nuint, long*, nuint, int, nint*, nint>)Slot(table, OrtApiIndex.CreateTensorWithDataAsOrtValue);
        GetTensorMutableData = (delegate* unmanaged[Cdecl]<nint, void**, nint>)Slot(table, OrtApiIndex.GetTensorMutableData);
        CastTypeInfoToTensorInfo = (delegate* unmanaged[Cdecl]<nint, nint*, nint>)Slot(table, OrtApiIndex.CastTypeInfoToTensorInfo);
        GetOnnxTypeFromTypeInfo = (delegate* unmanaged[Cdecl]<nint, int*, nint>)Slot(table, OrtApiIndex.GetOnnxTypeFromTypeInfo);
        GetTensorElementType = (delegate* unmanaged[Cdecl]<nint, int*, nint>)Slot(table, OrtApiIndex.GetTensorElementType);
        GetDimensionsCount = (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)Slot(table, OrtApiIndex.GetDimensionsCount);
        GetDimensions = (delegate* unmanaged[Cdecl]<nint, long*, nuint, nint>)Slot(table, OrtApiIndex.GetDimensions);
        GetSymbolicDimensions = (delegate* unmanaged[Cdecl]<nint, byte**, nuint, nint>)Slot(table, OrtApiIndex.GetSymbolicDimensions);
        GetTensorShapeElementCount = (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)Slot(table, OrtApiIndex.GetTensorShapeElementCount);
        GetTensorTypeAndShape = (delegate* unmanaged[Cdecl]<nint, nint*, nint>)Slot(table, OrtApiIndex.GetTensorTypeAndShape);
        CreateCpuMemoryInfo = (delegate* unmanaged[Cdecl]<int, int, nint*, nint>)Slot(table, OrtApiIndex.CreateCpuMemoryInfo);
        AllocatorFree = (delegate* unmanaged[Cdecl]<nint, void*, nint>)Slot(table, OrtApiIndex.AllocatorFree);
        GetAllocatorWithDefaultOptions = (delegate* unmanaged[Cdecl]<nint*, nint>)Slot(table, OrtApiIndex.GetAllocatorWithDefaultOptions);
        ReleaseEnv = (delegate* unmanaged[Cdecl]<nint, void>)Slot(table, OrtApiIndex.ReleaseEnv);
        ReleaseStatus = (delegate* unmanaged[Cdecl]<nint, void>)Slot(table, OrtApiIndex.ReleaseStatus);
        ReleaseMemoryInfo = (delegate* unmanaged[Cdecl]<nint, void>)Slot(table, OrtApiIndex.ReleaseMemoryInfo);
        ReleaseSession = (delegate* unmanaged[Cdecl]<nint, void>)Slot(table, OrtApiIndex.ReleaseSession);
        ReleaseValue = (delegate* unmanaged[Cdecl]<nint, void>)Slot(table, OrtApiIndex.ReleaseValue);
        ReleaseTypeInfo = (delegate* unmanaged[Cdecl]<nint, void>)Slot(table, OrtApiIndex.ReleaseTypeInfo);
        ReleaseTensorTypeAndShapeInfo = (delegate* unmanaged[Cdecl]<nint, void>)Slot(table, OrtApiIndex.ReleaseTensorTypeAndShapeInfo);
        ReleaseSessionOptions = (delegate* unmanaged[Cdecl]<nint, void>)Slot(table, OrtApiIndex.ReleaseSessionOptions);
        GetAvailableProviders = (delegate* unmanaged[Cdecl]<byte***, int*, nint>)Slot(table, OrtApiIndex.GetAvailableProviders);
        ReleaseAvailableProviders = (delegate* unmanaged[Cdecl]<byte**, int, nint>)Slot(table, OrtApiIndex.ReleaseAvailableProviders);
        AddSessionConfigEntry = (delegate* unmanaged[Cdecl]<nint, byte*, byte*, nint>)Slot(table, OrtApiIndex.AddSessionConfigEntry);
        SessionOptionsAppendExecutionProviderCudaV2 = (delegate* unmanaged[Cdecl]<nint, nint, nint>)Slot(table, OrtApiIndex.SessionOptionsAppendExecutionProviderCudaV2);
        CreateCudaProviderOptions = (delegate* unmanaged[Cdecl]<nint*, nint>)Slot(table, OrtApiIndex.CreateCudaProviderOptions);
        UpdateCudaProviderOptions = (delegate* unmanaged[Cdecl]<nint, byte**, byte**, nuint, nint>)Slot(table, OrtApiIndex.UpdateCudaProviderOptions);
        ReleaseCudaProviderOptions = (delegate* unmanaged[Cdecl]<nint, void>)Slot(table, OrtApiIndex.ReleaseCudaProviderOptions);
        GetBuildInfoString = (delegate* unmanaged[Cdecl]<byte*>)Slot(table, OrtApiIndex.GetBuildInfoString);
    }

    /// <summary>Path the native library was loaded from.</summary>
    public string LibraryPath { get; }

    /// <summary>ORT's version string (from <c>OrtApiBase::GetVersionString</c>), e.g. "1.30.0".</summary>
    public string Version { get; }

    /// <summary>The table, once loaded; used by the SafeHandles' release methods.</summary>
    public static OrtApi Loaded => s_loaded ?? throw new InvalidOperationException("ONNX Runtime is not loaded yet.");

    /// <summary>
    /// Loads the native library and reads the function table, once per process: a process can hold only one ORT
    /// (its OrtEnv is a process-wide singleton), so a later request for a different library is an error.
    /// </summary>
    public static OrtApi Load(string? configuredPath)
    {
        lock (Gate)
        {
            if (s_loaded is not null)
            {
                return s_loaded;
            }

            (nint library, string path) = OrtLibraryLoader.Load(configuredPath);
            nint getApiBase = NativeLibrary.GetExport(library, "OrtGetApiBase");
            // struct OrtApiBase { const OrtApi* (*GetApi)(uint32_t version); const char* (*GetVersionString)(void); }
            void** apiBase = ((delegate* unmanaged[Cdecl]<void**>)getApiBase)();
            var getApi = (delegate* unmanaged[Cdecl]<uint, void**>)apiBase[0];
            var getVersionString = (delegate* unmanaged[Cdecl]<byte*>)apiBase[1];
            string version = Utf8.Decode(getVersionString());
            void** table = getApi(ApiVersion);
            if (table is null)
            {
                throw new OnnxRuntimeException(OrtErrorCode.Fail,
                    $"The ONNX Runtime library '{path}' (version {version}) does not serve C API version {ApiVersion}; " +
                    "this binding needs ONNX Runtime 1.30 or newer.");
            }

            s_loaded = new OrtApi(path, version, table);
            return s_loaded;
        }
    }

    private static void* Slot(void** table, int index) => table[index];
}
