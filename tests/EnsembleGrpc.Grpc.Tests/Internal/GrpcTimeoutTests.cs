using EnsembleGrpc.Grpc.Internal;

namespace EnsembleGrpc.Grpc.Tests.Internal;

public sealed class GrpcTimeoutTests
{
    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("3S", 30_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("100u", 1_000L)]
    [InlineData("1000n", 10L)]
    [InlineData("1n", 1L)]
    [InlineData("99999999S", 999_999_990_000_000L)]
    public void Parses_every_unit(string header, long expectedTicks)
    {
        Assert.True(GrpcTimeout.TryParse(header, out var timeout));
        Assert.Equal(expectedTicks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("m")]
    [InlineData("10")]
    [InlineData("10x")]
    [InlineData("-5m")]
    [InlineData("123456789m")]
    [InlineData("1.5S")]
    public void Rejects_malformed_values(string header) => Assert.False(GrpcTimeout.TryParse(header, out _));

    [Theory]
    [InlineData(1L, "100n")]
    [InlineData(5_000L, "500000n")]
    [InlineData(2_500_000L, "250000u")]
    [InlineData(36_000_000_000L, "3600000m")]
    [InlineData(0L, "1n")]
    [InlineData(-10L, "1n")]
    public void Formats_with_the_finest_unit_that_fits(long ticks, string expected) =>
        Assert.Equal(expected, GrpcTimeout.Format(TimeSpan.FromTicks(ticks)));

    [Fact]
    public void Format_never_shortens_the_budget_and_round_trips()
    {
        foreach (var ticks in new[] { 1L, 7L, 999_999L, 1_000_001L, 123_456_789L, 10_000_000_001L, TimeSpan.FromDays(400).Ticks })
        {
            var header = GrpcTimeout.Format(TimeSpan.FromTicks(ticks));
            Assert.True(header.Length <= 9, header);
            Assert.True(GrpcTimeout.TryParse(header, out var parsed), header);
            Assert.True(parsed.Ticks >= ticks || header.EndsWith('H'), $"{header} parsed to {parsed.Ticks} < {ticks}");
        }
    }
}
