using EnsembleGrpc.Hosting.Errors;
using Grpc.Core;

namespace EnsembleGrpc.LoadGen.Tests.Backend;

public sealed class RetryPushbackTrailerTests
{
    [Theory]
    [InlineData("75", 75.0)]
    [InlineData("0", 0.0)]
    [InlineData("-5", null)]   // gRFC A6: a negative or malformed value means "do not retry", not a wait
    [InlineData("1.5", null)]
    [InlineData("soon", null)]
    public void The_pushback_is_a_whole_non_negative_number_of_milliseconds(string value, double? expectedMs)
    {
        var trailers = new Metadata { { "grpc-retry-pushback-ms", value } };

        Assert.Equal(expectedMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, RetryPushbackMetadata.Read(trailers));
    }

    [Fact]
    public void No_trailer_is_no_pushback() => Assert.Null(RetryPushbackMetadata.Read([]));
}
