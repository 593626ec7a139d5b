using System.Runtime.InteropServices;
using EnsembleGrpc.OnnxRuntime.Interop;
using EnsembleGrpc.OnnxRuntime.Tests.Fixtures;

namespace EnsembleGrpc.OnnxRuntime.Tests.Interop;

/// <summary>
/// Proves each bound slot of the OrtApi table: every function is called in a way whose result only the right
/// function would give (a wrong slot fails silently or crashes, so "it did not crash" is not enough where a result
/// can say more). Release functions, which return nothing, are proven by effect in <see cref="OrtApiReleaseEffectTests"/>
/// where an effect is observable, and otherwise exercised here.
/// </summary>
public sealed unsafe class OrtApiTableTests
{
    private readonly OrtEnvironment _environment = OrtEnvironment.GetOrCreate();

    private OrtApi Api => _environment.Api;

    [Fact]
    public void EveryBoundSlotIsNonNullAndDistinct()
    {
        var pointers = new Dictionary<nint, string>();
        foreach (var field in typeof(OrtApi).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
        {
            nint pointer = field.GetValue(Api) switch
            {
                System.Reflection.Pointer boxed => (nint)System.Reflection.Pointer.Unbox(boxed),
                nint raw => raw,
                var other => throw new InvalidOperationException($"{field.Name}: {other?.GetType()}"),
            };
            Assert.NotEqual(0, pointer);
            Assert.True(pointers.TryAdd(pointer, field.Name), $"{field.Name} and {pointers.GetValueOrDefault(pointer)} share a slot value");
        }

        Assert.Equal(typeof(OrtApiIndex).GetFields().Length, pointers.Count);
    }

    [Fact]
    public void GetErrorCodeAndMessageDescribeAFailedCreateSession()
    {
        // CreateSession, GetErrorCode, GetErrorMessage, ReleaseStatus.
        using OrtSessionOptionsHandle options = NativeSessionOptions.Create(Api, new SessionOptions());
        nint session;
        nint status;
        fixed (byte* path = Utf8.Encode("/nonexistent/model.onnx"))
        {
            status = Api.CreateSession(_environment.Handle.DangerousGetHandle(), path, options.DangerousGetHandle(), &session);
        }

        Assert.NotEqual(0, status);
        Assert.Equal(OrtErrorCode.NoSuchFile, Api.GetErrorCode(status));
        string message = Utf8.Decode(Api.GetErrorMessage(status));
        Assert.Contains("/nonexistent/model.onnx", message);
        Assert.Contains("File doesn't exist", message);
        Api.ReleaseStatus(status);
    }

    [Fact]
    public void CreateEnvReturnsTheProcessEnvAndReleaseEnvDropsTheExtraReference()
    {
        // ORT keeps one OrtEnv per process and reference-counts it, so a second CreateEnv returns the same object.
        OrtEnvHandle second = OrtEnvironment.CreateEnv(Api, OrtLoggingLevel.Warning, "second");
        Assert.Equal(_environment.Handle.DangerousGetHandle(), second.DangerousGetHandle());
        second.Dispose(); // ReleaseEnv
        using InferenceSession session = _environment.CreateSession(Paths.Fixture("linear.onnx"));
        Assert.Single(session.Inputs);
    }

    [Fact]
    public void SessionCountsNamesAndTypeInfoDistinguishInputsFromOutputs()
    {
        // linear: 1 input x float[batch,3]; 2 outputs y, relu float[batch,2].
        // mixed: 2 inputs a float[2], n int64[2]; 1 output sum float[2].
        using InferenceSession linear = _environment.CreateSession(Paths.Fixture("linear.onnx"));
        using InferenceSession mixed = _environment.CreateSession(Paths.Fixture("mixed.onnx"));
        nint l = linear.Handle.DangerousGetHandle();
        nint m = mixed.Handle.DangerousGetHandle();

        Assert.Equal((1u, 2u), (InputCount(l), OutputCount(l)));
        Assert.Equal((2u, 1u), (InputCount(m), OutputCount(m)));

        nint allocator;
        OrtStatus.ThrowIfFailed(Api.GetAllocatorWithDefaultOptions(&allocator));
        Assert.NotEqual(0, allocator);
        Assert.Equal("x", Name(Api.SessionGetInputName, l, 0, allocator));
        Assert.Equal("relu", Name(Api.SessionGetOutputName, l, 1, allocator));
        Assert.Equal("n", Name(Api.SessionGetInputName, m, 1, allocator));
        Assert.Equal("sum", Name(Api.SessionGetOutputName, m, 0, allocator));

        Assert.Equal("Float [-1,3] [batch,]", Describe(Api.SessionGetInputTypeInfo, l, 0));
        Assert.Equal("Float [-1,2] [batch,]", Describe(Api.SessionGetOutputTypeInfo, l, 1));
        Assert.Equal("Int64 [2] []", Describe(Api.SessionGetInputTypeInfo, m, 1));
        Assert.Equal("Float [2] []", Describe(Api.SessionGetOutputTypeInfo, m, 0));
    }

    [Fact]
    public void TensorOverPinnedMemoryIsReadInPlaceAndDescribesItself()
    {
        // CreateCpuMemoryInfo, CreateTensorWithDataAsOrtValue, GetTensorMutableData, GetTensorTypeAndShape,
        // GetTensorElementType, GetDimensionsCount, GetDimensions, GetTensorShapeElementCount,
        // ReleaseTensorTypeAndShapeInfo, ReleaseValue, ReleaseMemoryInfo.
        nint memoryInfo;
        OrtStatus.ThrowIfFailed(Api.CreateCpuMemoryInfo(1, 0, &memoryInfo));
        using var memoryInfoHandle = new OrtMemoryInfoHandle(memoryInfo);
        float[] data = GC.AllocateArray<float>(6, pinned: true);
        long[] shape = [2, 3];
        nint value;
        fixed (float* d = data)
        fixed (long* s = shape)
        {
            OrtStatus.ThrowIfFailed(Api.CreateTensorWithDataAsOrtValue(memoryInfo, d, 6 * sizeof(float), s, 2, (int)TensorElementType.Float, &value));
        }

        using var valueHandle = new OrtValueHandle(value);
        void* tensorData;
        OrtStatus.ThrowIfFailed(Api.GetTensorMutableData(value, &tensorData));
        fixed (float* d = data)
        {
            Assert.Equal((nint)d, (nint)tensorData); // no copy: ORT points at our buffer
        }

        nint info;
        OrtStatus.ThrowIfFailed(Api.GetTensorTypeAndShape(value, &info));
        using var infoHandle = new OrtTensorTypeAndShapeInfoHandle(info);
        int elementType;
        nuint rank;
        nuint count;
        long* dimensions = stackalloc long[2];
        OrtStatus.ThrowIfFailed(Api.GetTensorElementType(info, &elementType));
        OrtStatus.ThrowIfFailed(Api.GetDimensionsCount(info, &rank));
        OrtStatus.ThrowIfFailed(Api.GetDimensions(info, dimensions, 2));
        OrtStatus.ThrowIfFailed(Api.GetTensorShapeElementCount(info, &count));
        Assert.Equal(TensorElementType.Float, (TensorElementType)elementType);
        Assert.Equal(2u, (uint)rank);
        Assert.Equal([2L, 3L], new[] { dimensions[0], dimensions[1] });
        Assert.Equal(6u, (uint)count);
    }

    [Fact]
    public void RunComputesTheLinearModel()
    {
        using InferenceSession session = _environment.CreateSession(Paths.Fixture("linear.onnx"));
        float[] y = session.RunFloat("x", [1, 2, 3, 4, 5, 6], [2, 3], "y", out long[] shape);
        Assert.Equal([2L, 2L], shape);
        Assert.Equal([-3.5f, 1f, -3.5f, 2.5f], y);
    }

    [Fact]
    public void SessionOptionSettersRejectInvalidValuesWithTheirOwnMessages()
    {
        // CreateSessionOptions, SetSessionGraphOptimizationLevel, SetSessionExecutionMode, AddSessionConfigEntry,
        // ReleaseSessionOptions. (The thread setters are proven by the threads they create: OrtApiReleaseEffectTests.)
        nint created;
        OrtStatus.ThrowIfFailed(Api.CreateSessionOptions(&created));
        using var options = new OrtSessionOptionsHandle(created);
        nint raw = created;
        Assert.Equal("graph_optimization_level is not valid", Error(Api.SetSessionGraphOptimizationLevel(raw, 42)));
        Assert.Equal("execution_mode is not valid", Error(Api.SetSessionExecutionMode(raw, 5)));
        Assert.Equal(0, Api.SetSessionGraphOptimizationLevel(raw, (int)GraphOptimizationLevel.Basic));
        Assert.Equal(0, Api.SetSessionExecutionMode(raw, (int)ExecutionMode.Parallel));
        var error = Assert.Throws<OnnxRuntimeException>(() => NativeSessionOptions.AddConfigEntry(Api, raw, "", "1"));
        Assert.Contains("Config key is empty or longer than maximum length", error.Message);
        NativeSessionOptions.AddConfigEntry(Api, raw, NativeSessionOptions.IntraOpSpinningKey, "0");
    }

    [Fact]
    public void AvailableProvidersAndBuildInfo()
    {
        // GetAvailableProviders, ReleaseAvailableProviders (returns a status), GetBuildInfoString.
        byte** names;
        int count;
        OrtStatus.ThrowIfFailed(Api.GetAvailableProviders(&names, &count));
        var providers = new List<string>();
        for (int i = 0; i < count; i++)
        {
            providers.Add(Utf8.Decode(names[i]));
        }

        Assert.Equal(0, Api.ReleaseAvailableProviders(names, count));
        Assert.Contains("CPUExecutionProvider", providers);
        Assert.Equal("CPUExecutionProvider", providers[^1]); // ORT lists CPU last, as the fallback
        Assert.StartsWith("ORT Build Info:", Utf8.Decode(Api.GetBuildInfoString()));
        Assert.Equal("1.30.0", Api.Version);
    }

    [Fact]
    public void CudaProviderOptionsFunctionsReachTheCudaProviderBridge()
    {
        // CreateCUDAProviderOptions succeeds (plain struct); UpdateCUDAProviderOptions and
        // SessionOptionsAppendExecutionProvider_CUDA_V2 need the CUDA provider library, which is absent here,
        // and say so in their own words; ReleaseCUDAProviderOptions releases the struct.
        nint cuda;
        OrtStatus.ThrowIfFailed(Api.CreateCudaProviderOptions(&cuda));
        using var cudaHandle = new OrtCudaProviderOptionsHandle(cuda);
        nint update;
        fixed (byte* key = Utf8.Encode("device_id"))
        fixed (byte* value = Utf8.Encode("0"))
        {
            byte* keys = key;
            byte* values = value;
            update = Api.UpdateCudaProviderOptions(cuda, &keys, &values, 1);
        }

        Assert.Contains("libonnxruntime_providers_shared.so", Error(update));
        using OrtSessionOptionsHandle options = NativeSessionOptions.Create(Api, new SessionOptions());
        Assert.Contains("OrtSessionOptionsAppendExecutionProvider_Cuda", Error(Api.SessionOptionsAppendExecutionProviderCudaV2(options.DangerousGetHandle(), cuda)));
    }

    private nuint InputCount(nint session)
    {
        nuint count;
        OrtStatus.ThrowIfFailed(Api.SessionGetInputCount(session, &count));
        return count;
    }

    private nuint OutputCount(nint session)
    {
        nuint count;
        OrtStatus.ThrowIfFailed(Api.SessionGetOutputCount(session, &count));
        return count;
    }

    private string Name(delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint> getName, nint session, int index, nint allocator)
    {
        byte* name;
        OrtStatus.ThrowIfFailed(getName(session, (nuint)index, allocator, &name));
        string text = Utf8.Decode(name);
        OrtStatus.ThrowIfFailed(Api.AllocatorFree(allocator, name));
        return text;
    }

    /// <returns>"ElementType [dims] [symbolic names]".</returns>
    private string Describe(delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint> getTypeInfo, nint session, int index)
    {
        // SessionGet*TypeInfo, GetOnnxTypeFromTypeInfo, CastTypeInfoToTensorInfo (borrowed), GetTensorElementType,
        // GetDimensionsCount, GetDimensions, GetSymbolicDimensions, ReleaseTypeInfo.
        nint typeInfo;
        OrtStatus.ThrowIfFailed(getTypeInfo(session, (nuint)index, &typeInfo));
        using var typeInfoHandle = new OrtTypeInfoHandle(typeInfo);
        int onnxType;
        OrtStatus.ThrowIfFailed(Api.GetOnnxTypeFromTypeInfo(typeInfo, &onnxType));
        Assert.Equal(1, onnxType); // ONNX_TYPE_TENSOR
        nint tensorInfo;
        OrtStatus.ThrowIfFailed(Api.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
        int elementType;
        nuint rank;
        OrtStatus.ThrowIfFailed(Api.GetTensorElementType(tensorInfo, &elementType));
        OrtStatus.ThrowIfFailed(Api.GetDimensionsCount(tensorInfo, &rank));
        var dimensions = new long[(int)rank];
        var symbols = new nint[(int)rank];
        fixed (long* d = dimensions)
        fixed (nint* s = symbols)
        {
            OrtStatus.ThrowIfFailed(Api.GetDimensions(tensorInfo, d, rank));
            OrtStatus.ThrowIfFailed(Api.GetSymbolicDimensions(tensorInfo, (byte**)s, rank));
        }

        string names = string.Join(",", symbols.Select(p => Marshal.PtrToStringUTF8(p) ?? ""));
        return $"{(TensorElementType)elementType} [{string.Join(",", dimensions)}] [{names}]";
    }

    private static string Error(nint status)
    {
        Assert.NotEqual(0, status);
        return OrtStatus.ToException(status, context: null).Message;
    }
}
