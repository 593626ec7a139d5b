using EnsembleGrpc.Router.Frontend.Security;

namespace EnsembleGrpc.Router.Tests.Security;

public sealed class TokenComparerTests
{
    [Fact]
    public void The_same_token_matches()
    {
        Assert.True(TokenComparer.FixedTimeMatches("s3cret-tøken", "s3cret-tøken"));
        // Equal text from a different string instance: the comparison is by content.
        Assert.True(TokenComparer.FixedTimeMatches(new string("abc".ToCharArray()), "abc"));
    }

    [Theory]
    [InlineData("s3cret-tokem")] // last character differs
    [InlineData("S3cret-token")] // case differs
    [InlineData("t3cret-token")] // first character differs
    public void A_token_of_the_same_length_that_differs_does_not_match(string presented)
        => Assert.False(TokenComparer.FixedTimeMatches(presented, "s3cret-token"));

    [Theory]
    [InlineData("s3cret")] // a prefix
    [InlineData("s3cret-token-and-more")] // an extension
    [InlineData("")]
    [InlineData(null)]
    public void A_token_of_another_length_does_not_match(string? presented)
        => Assert.False(TokenComparer.FixedTimeMatches(presented, "s3cret-token"));

    [Fact]
    public void An_empty_configured_token_matches_nothing_not_even_an_empty_one()
    {
        Assert.False(TokenComparer.FixedTimeMatches("", ""));
        Assert.False(TokenComparer.FixedTimeMatches(null, ""));
    }
}
