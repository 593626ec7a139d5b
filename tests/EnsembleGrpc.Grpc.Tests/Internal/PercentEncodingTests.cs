using EnsembleGrpc.Grpc.Internal;
using Grpc.Core;

namespace EnsembleGrpc.Grpc.Tests.Internal;

public sealed class PercentEncodingTests
{
    [Theory]
    [InlineData("plain ascii message", "plain ascii message")]
    [InlineData("100%", "100%25")]
    [InlineData("line\nbreak", "line%0Abreak")]
    [InlineData("Größe ungültig", "Gr%C3%B6%C3%9Fe ung%C3%BCltig")]
    [InlineData("模型", "%E6%A8%A1%E5%9E%8B")]
    public void Encodes_non_printable_and_percent(string raw, string encoded)
    {
        Assert.Equal(encoded, PercentEncoding.Encode(raw));
        Assert.Equal(raw, PercentEncoding.Decode(encoded));
    }

    [Theory]
    [InlineData("50%")]
    [InlineData("%zz and %4")]
    public void Decoding_keeps_malformed_escapes(string value) => Assert.Equal(value, PercentEncoding.Decode(value));

    [Fact]
    public void Every_status_code_round_trips_through_its_decimal_form()
    {
        foreach (var code in Enum.GetValues<StatusCode>())
        {
            Assert.True(StatusParsing.TryParseCode(StatusParsing.FormatCode(code), out var parsed));
            Assert.Equal(code, parsed);
        }

        Assert.False(StatusParsing.TryParseCode("x1", out _));
        Assert.False(StatusParsing.TryParseCode(null, out _));
    }

    [Theory]
    [InlineData(400, StatusCode.Internal)]
    [InlineData(401, StatusCode.Unauthenticated)]
    [InlineData(403, StatusCode.PermissionDenied)]
    [InlineData(404, StatusCode.Unimplemented)]
    [InlineData(429, StatusCode.Unavailable)]
    [InlineData(502, StatusCode.Unavailable)]
    [InlineData(503, StatusCode.Unavailable)]
    [InlineData(504, StatusCode.Unavailable)]
    [InlineData(500, StatusCode.Unknown)]
    [InlineData(418, StatusCode.Unknown)]
    public void Maps_http_status_without_grpc_status(int http, StatusCode expected) =>
        Assert.Equal(expected, HttpStatusMapping.ToStatusCode(http));
}
