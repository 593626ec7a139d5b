using System.Runtime.CompilerServices;
using System.Text;
using EnsembleGrpc.OnnxRuntime.Interop;

namespace EnsembleGrpc.OnnxRuntime;

/// <summary>
/// A loaded ONNX model. <c>Run*</c> may be called from many threads at once on one session (ORT's Run is
/// thread-safe and everything here is immutable after construction). Inputs are fp32 tensors read in place from the
/// caller's memory (pinned for the duration of the call, never copied); outputs are copied out as fp32.
/// The single-input <see cref="RunInto(string, ReadOnlySpan{float}, ReadOnlySpan{long}, string, Span{float}, Span{long})"/>
/// allocates nothing; it is the batcher's hot path.
/// </summary>
public sealed unsafe class InferenceSession : IDisposable
{
    /// <summary>Most inputs or outputs one call can name (their pins and handles live on the stack).</summary>
    public const int MaxValuesPerRun = PinnedInputs.Capacity;

    /// <summary>Highest output rank the array-returning overloads handle.</summary>
    public const int MaxRank = 16;

    private const int OnnxTypeTensor = 1;

    private readonly OrtApi _api;
    private readonly OrtSessionHandle _session;
    private readonly nint _memoryInfo;
    private readonly TensorInfo[] _inputs;
    private readonly TensorInfo[] _outputs;

    // NUL-terminated UTF-8 names in arrays allocated on the pinned object heap, so their addresses can be handed
    // to Run on every call without pinning or copying.
    private readonly nint[] _inputNamePointers;
    private readonly nint[] _outputNamePointers;
    private readonly byte[][] _nameBuffers;

    /// <summary>Loads the model at <paramref name="modelPath"/>.</summary>
    /// <param name="modelPath">An .onnx file.</param>
    /// <param name="options">How to run it; defaults to CPU with ORT's thread defaults.</param>
    /// <param name="environment">The process's ORT; <see cref="OrtEnvironment.GetOrCreate"/> when null.</param>
    /// <exception cref="OnnxRuntimeException">The file is missing or ORT cannot load it, or the execution provider cannot be enabled.</exception>
    public InferenceSession(string modelPath, SessionOptions? options = null, OrtEnvironment? environment = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        environment ??= OrtEnvironment.GetOrCreate();
        Options = options ?? new SessionOptions();
        ModelPath = Path.GetFullPath(modelPath);
        if (!File.Exists(ModelPath))
        {
            throw new OnnxRuntimeException(OrtErrorCode.NoSuchFile, $"Model file '{ModelPath}' does not exist.");
        }

        _api = environment.Api;
        _memoryInfo = environment.CpuMemoryInfo.DangerousGetHandle();
        nint session;
        using (OrtSessionOptionsHandle sessionOptions = NativeSessionOptions.Create(_api, Options))
        {
            fixed (byte* path = Utf8.Encode(ModelPath))
            {
                nint status = _api.CreateSession(environment.Handle.DangerousGetHandle(), path, sessionOptions.DangerousGetHandle(), &session);
                if (status != 0)
                {
                    throw OrtStatus.ToException(status, $"Loading model '{ModelPath}'");
                }
            }
        }

        _session = new OrtSessionHandle(session);
        try
        {
            nint allocator;
            OrtStatus.ThrowIfFailed(_api.GetAllocatorWithDefaultOptions(&allocator));
            nuint inputCount;
            nuint outputCount;
            OrtStatus.ThrowIfFailed(_api.SessionGetInputCount(session, &inputCount));
            OrtStatus.ThrowIfFailed(_api.SessionGetOutputCount(session, &outputCount));
            _inputs = new TensorInfo[(int)inputCount];
            _outputs = new TensorInfo[(int)outputCount];
            for (int i = 0; i < _inputs.Length; i++)
            {
                string name = ReadName(_api.SessionGetInputName, session, i, allocator);
                _inputs[i] = ReadTensorInfo(_api.SessionGetInputTypeInfo, session, i, name);
            }

            for (int i = 0; i < _outputs.Length; i++)
            {
                string name = ReadName(_api.SessionGetOutputName, session, i, allocator);
                _outputs[i] = ReadTensorInfo(_api.SessionGetOutputTypeInfo, session, i, name);
            }

            _nameBuffers = new byte[_inputs.Length + _outputs.Length][];
            _inputNamePointers = PinNames(_inputs, _nameBuffers, 0);
            _outputNamePointers = PinNames(_outputs, _nameBuffers, _inputs.Length);
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <summary>Full path of the model file.</summary>
    public string ModelPath { get; }

    public SessionOptions Options { get; }

    /// <summary>The model's inputs, in the model's order.</summary>
    public IReadOnlyList<TensorInfo> Inputs => _inputs;

    /// <summary>The model's outputs, in the model's order.</summary>
    public IReadOnlyList<TensorInfo> Outputs => _outputs;

    internal OrtSessionHandle Handle => _session;

    /// <summary>
    /// Runs the model on one fp32 input and copies one fp32 output into <paramref name="output"/> and its shape into
    /// <paramref name="outputShape"/>. Allocates nothing.
    /// </summary>
    /// <returns>How many floats and dimensions were written.</returns>
    [SkipLocalsInit]
    public OutputExtent RunInto(string inputName, ReadOnlySpan<float> input, ReadOnlySpan<long> inputShape, string outputName, Span<float> output, Span<long> outputShape)
    {
        var (inputIndex, outputIndex) = ValidateSingle(inputName, input.Length, inputShape, outputName);
        fixed (float* data = input)
        fixed (long* shape = inputShape)
        {
            nint inputValue = 0;
            nint outputValue = 0;
            try
            {
                RunSingle(inputIndex, data, input.Length, shape, inputShape.Length, outputIndex, &inputValue, &outputValue);
                return CopyOutput(outputValue, outputIndex, output, outputShape);
            }
            finally
            {
                Release(&outputValue, 1);
                Release(&inputValue, 1);
            }
        }
    }

    /// <summary>Runs the model on one fp32 input and returns one fp32 output (a new array) and its shape.</summary>
    [SkipLocalsInit]
    public float[] RunFloat(string inputName, ReadOnlySpan<float> input, ReadOnlySpan<long> inputShape, string outputName, out long[] outputShape)
    {
        var (inputIndex, outputIndex) = ValidateSingle(inputName, input.Length, inputShape, outputName);
        fixed (float* data = input)
        fixed (long* shape = inputShape)
        {
            nint inputValue = 0;
            nint outputValue = 0;
            try
            {
                RunSingle(inputIndex, data, input.Length, shape, inputShape.Length, outputIndex, &inputValue, &outputValue);
                FloatTensor tensor = ReadOutput(outputValue, outputIndex);
                outputShape = tensor.Shape;
                return tensor.Data;
            }
            finally
            {
                Release(&outputValue, 1);
                Release(&inputValue, 1);
            }
        }
    }

    // The single-input, single-output calls (RunInto, RunFloat): names resolved and the input checked before ORT sees it.
    private (int InputIndex, int OutputIndex) ValidateSingle(string inputName, int inputLength, ReadOnlySpan<long> inputShape, string outputName)
    {
        int inputIndex = InputIndex(inputName);
        int outputIndex = OutputIndex(outputName);
        if (_inputs.Length != 1)
        {
            throw MissingInputs(new ReadOnlySpan<int>(in inputIndex));
        }

        ValidateInput(inputIndex, inputLength, inputShape);
        ValidateOutput(outputIndex);
        return (inputIndex, outputIndex);
    }

    // Creates the input tensor over the caller's pinned memory and runs. The values live in the caller's frame, so its
    // finally releases whatever was created even when creating the tensor or running throws (zero values are skipped).
    private void RunSingle(int inputIndex, float* data, int length, long* shape, int rank, int outputIndex, nint* inputValue, nint* outputValue)
    {
        *inputValue = CreateInputTensor(data, length, shape, rank);
        nint inputNamePointer = _inputNamePointers[inputIndex];
        nint outputNamePointer = _outputNamePointers[outputIndex];
        RunNative(&inputNamePointer, inputValue, 1, &outputNamePointer, outputValue, 1);
    }

    /// <summary>
    /// Runs the model on several fp32 inputs and copies one fp32 output into <paramref name="output"/> and its shape
    /// into <paramref name="outputShape"/>. Allocates nothing (array-backed or native memory).
    /// </summary>
    [SkipLocalsInit]
    public OutputExtent RunInto(ReadOnlySpan<FloatInput> inputs, string outputName, Span<float> output, Span<long> outputShape)
    {
        int outputIndex = OutputIndex(outputName);
        ValidateOutput(outputIndex);
        int inputCount = CheckInputCount(inputs);
        Span<int> inputIndices = stackalloc int[inputCount];
        ValidateInputs(inputs, inputIndices);
        nint* inputNames = stackalloc nint[inputCount];
        nint* inputValues = stackalloc nint[inputCount];
        new Span<nint>(inputValues, inputCount).Clear();
        nint outputValue = 0;
        PinnedInputs pins = default;
        try
        {
            CreateInputTensors(inputs, inputIndices, ref pins, inputNames, inputValues);
            nint outputNamePointer = _outputNamePointers[outputIndex];
            RunNative(inputNames, inputValues, inputCount, &outputNamePointer, &outputValue, 1);
            return CopyOutput(outputValue, outputIndex, output, outputShape);
        }
        finally
        {
            Release(&outputValue, 1);
            Release(inputValues, inputCount);
            Unpin(ref pins, inputCount);
        }
    }

    /// <summary>
    /// Runs the model on several fp32 inputs and returns the named fp32 outputs (every output, in the model's order,
    /// when <paramref name="outputNames"/> is empty).
    /// </summary>
    [SkipLocalsInit]
    public FloatTensor[] Run(ReadOnlySpan<FloatInput> inputs, ReadOnlySpan<string> outputNames = default)
    {
        int outputCount = outputNames.IsEmpty ? _outputs.Length : outputNames.Length;
        if (outputCount > MaxValuesPerRun)
        {
            throw new ArgumentException($"At most {MaxValuesPerRun} outputs can be fetched per run; asked for {outputCount}.", nameof(outputNames));
        }

        Span<int> outputIndices = stackalloc int[outputCount];
        for (int i = 0; i < outputCount; i++)
        {
            outputIndices[i] = outputNames.IsEmpty ? i : OutputIndex(outputNames[i]);
            ValidateOutput(outputIndices[i]);
        }

        int inputCount = CheckInputCount(inputs);
        Span<int> inputIndices = stackalloc int[inputCount];
        ValidateInputs(inputs, inputIndices);
        nint* inputNames = stackalloc nint[inputCount];
        nint* inputValues = stackalloc nint[inputCount];
        nint* outputNamePointers = stackalloc nint[outputCount];
        nint* outputValues = stackalloc nint[outputCount];
        // Run treats non-null output entries as pre-allocated outputs: they must start zeroed.
        new Span<nint>(inputValues, inputCount).Clear();
        new Span<nint>(outputValues, outputCount).Clear();
        for (int i = 0; i < outputCount; i++)
        {
            outputNamePointers[i] = _outputNamePointers[outputIndices[i]];
        }

        PinnedInputs pins = default;
        try
        {
            CreateInputTensors(inputs, inputIndices, ref pins, inputNames, inputValues);
            RunNative(inputNames, inputValues, inputCount, outputNamePointers, outputValues, outputCount);
            var results = new FloatTensor[outputCount];
            for (int i = 0; i < outputCount; i++)
            {
                results[i] = ReadOutput(outputValues[i], outputIndices[i]);
            }

            return results;
        }
        finally
        {
            Release(outputValues, outputCount);
            Release(inputValues, inputCount);
            Unpin(ref pins, inputCount);
        }
    }

    /// <summary>Releases the native session once in-flight runs have finished; later runs throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => _session.Dispose();

    public override string ToString() => $"InferenceSession('{ModelPath}')";

    private void RunNative(nint* inputNames, nint* inputValues, int inputCount, nint* outputNames, nint* outputValues, int outputCount)
    {
        bool added = false;
        try
        {
            // Keeps the session alive while ORT uses it, even if Dispose races this call.
            _session.DangerousAddRef(ref added);
            nint status = _api.Run(_session.DangerousGetHandle(), 0, inputNames, inputValues, (nuint)inputCount, outputNames, (nuint)outputCount, outputValues);
            if (status != 0)
            {
                throw OrtStatus.ToException(status, $"Running model '{ModelPath}'");
            }
        }
        finally
        {
            if (added)
            {
                _session.DangerousRelease();
            }
        }
    }

    private nint CreateInputTensor(float* data, int length, long* shape, int rank)
    {
        // The tensor refers to the caller's memory in place; the caller keeps it pinned until the value is released.
        nint value;
        nint status = _api.CreateTensorWithDataAsOrtValue(_memoryInfo, data, (nuint)length * sizeof(float), shape, (nuint)rank, (int)TensorElementType.Float, &value);
        if (status != 0)
        {
            throw OrtStatus.ToException(status, $"Creating an input tensor for model '{ModelPath}'");
        }

        return value;
    }

    private void CreateInputTensors(ReadOnlySpan<FloatInput> inputs, ReadOnlySpan<int> inputIndices, ref PinnedInputs pins, nint* names, nint* values)
    {
        for (int i = 0; i < inputs.Length; i++)
        {
            pins[i] = inputs[i].Data.Pin();
            names[i] = _inputNamePointers[inputIndices[i]];
            ReadOnlySpan<long> shape = inputs[i].Shape.Span;
            // ORT copies the shape into the tensor, so the shape needs pinning only for this call.
            fixed (long* shapePointer = shape)
            {
                values[i] = CreateInputTensor((float*)pins[i].Pointer, inputs[i].Data.Length, shapePointer, shape.Length);
            }
        }
    }

    private void Release(nint* values, int count)
    {
        for (int i = 0; i < count; i++)
        {
            if (values[i] != 0)
            {
                _api.ReleaseValue(values[i]);
                values[i] = 0;
            }
        }
    }

    private static void Unpin(ref PinnedInputs pins, int count)
    {
        for (int i = 0; i < count; i++)
        {
            pins[i].Dispose();
        }
    }

    [SkipLocalsInit]
    private OutputExtent CopyOutput(nint value, int outputIndex, Span<float> destination, Span<long> shapeDestination)
    {
        float* data = ReadOutputLayout(value, outputIndex, shapeDestination, out int rank, out int count);
        if (count > destination.Length)
        {
            throw new ArgumentException(
                $"Output '{_outputs[outputIndex].Name}' of model '{ModelPath}' has {count} values " +
                $"(shape {FormatShape(shapeDestination[..rank])}); the destination holds {destination.Length}.",
                nameof(destination));
        }

        new ReadOnlySpan<float>(data, count).CopyTo(destination);
        return new OutputExtent(count, rank);
    }

    [SkipLocalsInit]
    private FloatTensor ReadOutput(nint value, int outputIndex)
    {
        Span<long> shape = stackalloc long[MaxRank];
        float* data = ReadOutputLayout(value, outputIndex, shape, out int rank, out int count);
        return new FloatTensor(_outputs[outputIndex].Name, new ReadOnlySpan<float>(data, count).ToArray(), shape[..rank].ToArray());
    }

    /// <summary>Writes the output's shape into <paramref name="shape"/> and returns its data (owned by the value).</summary>
    private float* ReadOutputLayout(nint value, int outputIndex, Span<long> shape, out int rank, out int count)
    {
        nint info;
        OrtStatus.ThrowIfFailed(_api.GetTensorTypeAndShape(value, &info));
        try
        {
            nuint dimensions;
            OrtStatus.ThrowIfFailed(_api.GetDimensionsCount(info, &dimensions));
            if (dimensions > (nuint)shape.Length)
            {
                throw new ArgumentException(
                    $"Output '{_outputs[outputIndex].Name}' of model '{ModelPath}' has rank {dimensions}; the shape destination holds {shape.Length}.",
                    nameof(shape));
            }

            fixed (long* shapePointer = shape)
            {
                OrtStatus.ThrowIfFailed(_api.GetDimensions(info, shapePointer, dimensions));
            }

            nuint elements;
            OrtStatus.ThrowIfFailed(_api.GetTensorShapeElementCount(info, &elements));
            rank = (int)dimensions;
            count = checked((int)elements);
        }
        finally
        {
            _api.ReleaseTensorTypeAndShapeInfo(info);
        }

        void* data;
        OrtStatus.ThrowIfFailed(_api.GetTensorMutableData(value, &data));
        return (float*)data;
    }

    private int InputIndex(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (int i = 0; i < _inputs.Length; i++)
        {
            if (string.Equals(_inputs[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument,
            $"Input '{name}' is not an input of model '{ModelPath}'; inputs: {JoinNames(_inputs)}");
    }

    private int OutputIndex(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (int i = 0; i < _outputs.Length; i++)
        {
            if (string.Equals(_outputs[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument,
            $"Output '{name}' is not an output of model '{ModelPath}'; outputs: {JoinNames(_outputs)}");
    }

    private static int CheckInputCount(ReadOnlySpan<FloatInput> inputs)
    {
        if (inputs.IsEmpty)
        {
            throw new ArgumentException("At least one input is needed.", nameof(inputs));
        }

        if (inputs.Length > MaxValuesPerRun)
        {
            throw new ArgumentException($"At most {MaxValuesPerRun} inputs can be given per run; got {inputs.Length}.", nameof(inputs));
        }

        return inputs.Length;
    }

    private void ValidateInputs(ReadOnlySpan<FloatInput> inputs, Span<int> indices)
    {
        for (int i = 0; i < inputs.Length; i++)
        {
            indices[i] = InputIndex(inputs[i].Name);
            for (int j = 0; j < i; j++)
            {
                if (indices[j] == indices[i])
                {
                    throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument,
                        $"Input '{inputs[i].Name}' of model '{ModelPath}' is given more than once.");
                }
            }

            ValidateInput(indices[i], inputs[i].Data.Length, inputs[i].Shape.Span);
        }

        // Names are valid and distinct, so equal counts mean every input is there (ORT lists only required inputs).
        if (inputs.Length != _inputs.Length)
        {
            throw MissingInputs(indices);
        }
    }

    private OnnxRuntimeException MissingInputs(ReadOnlySpan<int> given)
    {
        var missing = new List<string>();
        for (int i = 0; i < _inputs.Length; i++)
        {
            if (!given.Contains(i))
            {
                missing.Add(_inputs[i].Name);
            }
        }

        return new OnnxRuntimeException(OrtErrorCode.InvalidArgument,
            $"Model '{ModelPath}' needs inputs {JoinNames(_inputs)}; missing: {string.Join(", ", missing)}.");
    }

    /// <summary>Checks what ORT would reject (or worse, read out of bounds) before calling it, with messages that say what the model wants.</summary>
    private void ValidateInput(int index, int length, ReadOnlySpan<long> shape)
    {
        TensorInfo info = _inputs[index];
        if (!info.IsTensor || info.ElementType != TensorElementType.Float)
        {
            throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument,
                $"Input '{info.Name}' of model '{ModelPath}' expects {Describe(info)} but Float (fp32) data was given; " +
                "this binding feeds Float tensors only.");
        }

        ReadOnlySpan<long> expected = info.ShapeSpan;
        if (shape.Length != expected.Length)
        {
            throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument,
                $"Input '{info.Name}' of model '{ModelPath}' expects shape {info.ShapeText} (rank {expected.Length}); " +
                $"got shape {FormatShape(shape)} (rank {shape.Length}).");
        }

        long elements = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] <= 0 || (expected[i] >= 0 && shape[i] != expected[i]))
            {
                string must = expected[i] >= 0 ? $"must be {expected[i]}" : "must be positive";
                throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument,
                    $"Input '{info.Name}' of model '{ModelPath}' expects shape {info.ShapeText}; " +
                    $"got shape {FormatShape(shape)} (dimension {i} {must}).");
            }

            // Saturate rather than overflow: anything above int.MaxValue cannot match a span length anyway.
            elements = elements > int.MaxValue || shape[i] > int.MaxValue ? long.MaxValue : elements * shape[i];
        }

        if (elements != length)
        {
            throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument,
                $"Input '{info.Name}' of model '{ModelPath}': shape {FormatShape(shape)} holds {elements} values but {length} were given.");
        }
    }

    private void ValidateOutput(int index)
    {
        TensorInfo info = _outputs[index];
        if (!info.IsTensor || info.ElementType != TensorElementType.Float)
        {
            throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument,
                $"Output '{info.Name}' of model '{ModelPath}' is {Describe(info)}; this binding reads Float tensors only.");
        }
    }

    private static string Describe(TensorInfo info) => info.IsTensor ? $"{info.ElementType} tensors" : "a non-tensor value";

    private static string JoinNames(TensorInfo[] values)
    {
        var names = new string[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            names[i] = values[i].Name;
        }

        return string.Join(", ", names);
    }

    private static string FormatShape(ReadOnlySpan<long> shape)
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < shape.Length; i++)
        {
            text.Append(i == 0 ? "" : ",").Append(shape[i]);
        }

        return text.Append(']').ToString();
    }

    private static string ReadName(delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint> getName, nint session, int index, nint allocator)
    {
        byte* name;
        OrtStatus.ThrowIfFailed(getName(session, (nuint)index, allocator, &name));
        try
        {
            return Utf8.Decode(name);
        }
        finally
        {
            // The name was allocated by ORT's default allocator and is ours to give back.
            OrtStatus.ThrowIfFailed(OrtApi.Loaded.AllocatorFree(allocator, name));
        }
    }

    private TensorInfo ReadTensorInfo(delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint> getTypeInfo, nint session, int index, string name)
    {
        nint typeInfo;
        OrtStatus.ThrowIfFailed(getTypeInfo(session, (nuint)index, &typeInfo));
        using var typeInfoHandle = new OrtTypeInfoHandle(typeInfo);
        int onnxType;
        OrtStatus.ThrowIfFailed(_api.GetOnnxTypeFromTypeInfo(typeInfo, &onnxType));
        if (onnxType != OnnxTypeTensor)
        {
            return new TensorInfo(name, isTensor: false, TensorElementType.Undefined, [], []);
        }

        // Borrowed from typeInfo (released with it), so it is not released separately.
        nint tensorInfo;
        OrtStatus.ThrowIfFailed(_api.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
        int elementType;
        nuint rank;
        OrtStatus.ThrowIfFailed(_api.GetTensorElementType(tensorInfo, &elementType));
        OrtStatus.ThrowIfFailed(_api.GetDimensionsCount(tensorInfo, &rank));
        var shape = new long[(int)rank];
        var symbols = new byte*[(int)rank];
        var symbolic = new string[(int)rank];
        fixed (long* shapePointer = shape)
        fixed (byte** symbolPointers = symbols)
        {
            OrtStatus.ThrowIfFailed(_api.GetDimensions(tensorInfo, shapePointer, rank));
            OrtStatus.ThrowIfFailed(_api.GetSymbolicDimensions(tensorInfo, symbolPointers, rank));
        }

        for (int i = 0; i < symbolic.Length; i++)
        {
            // Owned by the type info: copied now.
            symbolic[i] = symbols[i] is null ? "" : Utf8.Decode(symbols[i]);
        }

        return new TensorInfo(name, isTensor: true, (TensorElementType)elementType, shape, symbolic);
    }

    private static nint[] PinNames(TensorInfo[] values, byte[][] buffers, int offset)
    {
        var pointers = new nint[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            byte[] encoded = Utf8.Encode(values[i].Name);
            byte[] pinned = GC.AllocateUninitializedArray<byte>(encoded.Length, pinned: true);
            encoded.CopyTo(pinned);
            buffers[offset + i] = pinned;
            pointers[i] = (nint)Unsafe.AsPointer(ref pinned[0]);
        }

        return pointers;
    }
}
