using EnsembleGrpc.InferenceServer.Frontend;

namespace EnsembleGrpc.InferenceServer.Tests.Frontend;

/// <summary>The vectorised scan for NaN and infinities agrees with float.IsFinite on every kind of value and position.</summary>
public sealed class NonFiniteScanTests
{
    private static readonly float[] Special =
    [
        float.NaN, float.PositiveInfinity, float.NegativeInfinity, -float.NaN,
        BitConverter.Int32BitsToSingle(0x7F800001), BitConverter.Int32BitsToSingle(unchecked((int)0xFFFFFFFF)),
    ];

    private static readonly float[] Finite =
    [
        0f, -0f, 1f, -1f, float.MaxValue, float.MinValue, float.Epsilon, -float.Epsilon,
        BitConverter.Int32BitsToSingle(0x7F7FFFFF), BitConverter.Int32BitsToSingle(unchecked((int)0xFF7FFFFF)),
    ];

    [Fact]
    public void Finds_nothing_in_finite_values_of_every_kind()
    {
        var values = Enumerable.Range(0, 1000).Select(i => Finite[i % Finite.Length]).ToArray();
        Assert.Equal(-1, InferRequestDecoder.IndexOfNonFinite(values));
        Assert.Equal(-1, InferRequestDecoder.IndexOfNonFinite([]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(31)]
    [InlineData(783)]
    public void Finds_the_first_non_finite_value_of_each_kind_wherever_it_is(int position)
    {
        foreach (var special in Special)
        {
            var values = new float[784];
            Array.Fill(values, 0.5f);
            values[position] = special;
            Assert.Equal(position, InferRequestDecoder.IndexOfNonFinite(values));
        }
    }

    [Fact]
    public void Reports_the_earlier_of_a_negative_and_a_positive_non_finite_value()
    {
        var values = new float[100];
        values[70] = float.PositiveInfinity;
        values[40] = float.NegativeInfinity;
        Assert.Equal(40, InferRequestDecoder.IndexOfNonFinite(values));
        values[10] = float.NaN;
        Assert.Equal(10, InferRequestDecoder.IndexOfNonFinite(values));
    }
}
