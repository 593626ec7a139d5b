using EnsembleGrpc.OnnxRuntime.Tests.Fixtures;

namespace EnsembleGrpc.OnnxRuntime.Tests;

/// <summary>Bad requests fail before reaching ORT, with messages that say what the model wants.</summary>
public sealed class InferenceSessionValidationTests : IDisposable
{
    private readonly InferenceSession _linear = new(Paths.Fixture("linear.onnx"));

    public void Dispose() => _linear.Dispose();

    [Fact]
    public void MissingModelFile()
    {
        string path = Path.Combine(Path.GetTempPath(), "no-such-dir", "model.onnx");
        var error = Assert.Throws<OnnxRuntimeException>(() => new InferenceSession(path));
        Assert.Equal(OrtErrorCode.NoSuchFile, error.ErrorCode);
        Assert.Equal($"Model file '{path}' does not exist.", error.Message);
    }

    [Fact]
    public void CorruptModelFileCarriesOrtsErrorCodeAndMessage()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "this is not a protobuf");
            var error = Assert.Throws<OnnxRuntimeException>(() => new InferenceSession(path));
            Assert.Equal(OrtErrorCode.InvalidProtobuf, error.ErrorCode);
            Assert.StartsWith($"Loading model '{path}': ", error.Message);
            Assert.NotNull(error.NativeMessage);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void WrongInputName()
    {
        var error = Assert.Throws<OnnxRuntimeException>(() => _linear.RunFloat("input", [1, 2, 3], [1, 3], "y", out _));
        Assert.Equal(OrtErrorCode.InvalidArgument, error.ErrorCode);
        Assert.Equal($"Input 'input' is not an input of model '{_linear.ModelPath}'; inputs: x", error.Message);
    }

    [Fact]
    public void WrongOutputName()
    {
        var error = Assert.Throws<OnnxRuntimeException>(() => _linear.RunFloat("x", [1, 2, 3], [1, 3], "probabilities", out _));
        Assert.Equal($"Output 'probabilities' is not an output of model '{_linear.ModelPath}'; outputs: y, relu", error.Message);
    }

    [Fact]
    public void WrongRank()
    {
        var error = Assert.Throws<OnnxRuntimeException>(() => _linear.RunFloat("x", [1, 2, 3], [3], "y", out _));
        Assert.Equal(OrtErrorCode.InvalidArgument, error.ErrorCode);
        Assert.Equal($"Input 'x' of model '{_linear.ModelPath}' expects shape [batch,3] (rank 2); got shape [3] (rank 1).", error.Message);
    }

    [Fact]
    public void WrongFixedDimension()
    {
        var error = Assert.Throws<OnnxRuntimeException>(() => _linear.RunFloat("x", [1, 2, 3, 4], [1, 4], "y", out _));
        Assert.Equal($"Input 'x' of model '{_linear.ModelPath}' expects shape [batch,3]; got shape [1,4] (dimension 1 must be 3).", error.Message);
    }

    [Fact]
    public void NonPositiveDimension()
    {
        var error = Assert.Throws<OnnxRuntimeException>(() => _linear.RunFloat("x", [], [0, 3], "y", out _));
        Assert.Contains("(dimension 0 must be positive)", error.Message);
    }

    [Fact]
    public void DataLengthDisagreesWithShape()
    {
        var error = Assert.Throws<OnnxRuntimeException>(() => _linear.RunFloat("x", [1, 2, 3, 4, 5], [2, 3], "y", out _));
        Assert.Equal($"Input 'x' of model '{_linear.ModelPath}': shape [2,3] holds 6 values but 5 were given.", error.Message);
    }

    [Fact]
    public void WrongElementType()
    {
        using var mixed = new InferenceSession(Paths.Fixture("mixed.onnx"));
        long[] shape = [2];
        var error = Assert.Throws<OnnxRuntimeException>(() => mixed.Run([new FloatInput("a", new float[] { 1, 2 }, shape), new FloatInput("n", new float[] { 1, 2 }, shape)]));
        Assert.Equal(OrtErrorCode.InvalidArgument, error.ErrorCode);
        Assert.Equal($"Input 'n' of model '{mixed.ModelPath}' expects Int64 tensors but Float (fp32) data was given; this binding feeds Float tensors only.", error.Message);
    }

    [Fact]
    public void MissingInput()
    {
        using var pair = new InferenceSession(Paths.Fixture("pair.onnx"));
        var error = Assert.Throws<OnnxRuntimeException>(() => pair.Run([new FloatInput("a", new float[4], new long[] { 2, 2 })]));
        Assert.Equal(OrtErrorCode.InvalidArgument, error.ErrorCode);
        Assert.Equal($"Model '{pair.ModelPath}' needs inputs a, b; missing: b.", error.Message);
        error = Assert.Throws<OnnxRuntimeException>(() => pair.RunFloat("b", new float[4], [2, 2], "sum", out _));
        Assert.Equal($"Model '{pair.ModelPath}' needs inputs a, b; missing: a.", error.Message);
    }

    [Fact]
    public void OrtErrorsDuringRunCarryOrtsCodeAndMessage()
    {
        // reshape.onnx reshapes x[batch,3] to [4]: valid input that only fails inside ORT.
        using var reshape = new InferenceSession(Paths.Fixture("reshape.onnx"));
        var error = Assert.Throws<OnnxRuntimeException>(() => reshape.RunFloat("x", [1, 2, 3], [1, 3], "y", out _));
        Assert.Equal(OrtErrorCode.Fail, error.ErrorCode);
        Assert.StartsWith($"Running model '{reshape.ModelPath}': ", error.Message);
        Assert.Contains("Reshape", error.NativeMessage);
        Assert.Equal([1f, 2f, 3f, 4f], reshape.RunFloat("x", [1, 2, 3, 4, 5, 6], [2, 3], "y", out _)[..4]);
    }

    [Fact]
    public void DuplicateInput()
    {
        using var pair = new InferenceSession(Paths.Fixture("pair.onnx"));
        long[] shape = [2, 2];
        var error = Assert.Throws<OnnxRuntimeException>(() => pair.Run([new FloatInput("a", new float[4], shape), new FloatInput("a", new float[4], shape)]));
        Assert.Equal($"Input 'a' of model '{pair.ModelPath}' is given more than once.", error.Message);
    }

    [Fact]
    public void DestinationTooSmall()
    {
        var error = Assert.Throws<ArgumentException>(() => _linear.RunInto("x", [1, 2, 3, 4, 5, 6], [2, 3], "y", new float[3], new long[2]));
        Assert.Contains("has 4 values (shape [2,2]); the destination holds 3", error.Message);
        error = Assert.Throws<ArgumentException>(() => _linear.RunInto("x", [1, 2, 3, 4, 5, 6], [2, 3], "y", new float[4], new long[1]));
        Assert.Contains("has rank 2; the shape destination holds 1", error.Message);
    }
}
