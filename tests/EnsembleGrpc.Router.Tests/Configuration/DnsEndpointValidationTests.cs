using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Ensemble;

namespace EnsembleGrpc.Router.Tests.Configuration;

/// <summary>Which worker addresses the routing file accepts besides http(s): grpc-dotnet's <c>dns:///host:port</c>.</summary>
public sealed class DnsEndpointValidationTests
{
    private readonly RoutingConfigValidator _validator = new(AggregationStrategies.CreateDefault());

    [Theory]
    [InlineData("dns:///mnist-cnn-1.ensemblegrpc.svc.cluster.local:8001")]
    [InlineData("dns:///mnist-cnn-1:8001")]
    [InlineData("dns:///localhost:65535")]
    [InlineData("DNS:///localhost:1")]
    [InlineData("http://127.0.0.1:8001")]
    [InlineData("https://worker.example:443")]
    public void Accepted(string endpoint) => Assert.Empty(Validate(endpoint));

    [Theory]
    [InlineData("dns:///mnist-cnn-1")] // no port: the resolver would guess 80
    [InlineData("dns:///mnist-cnn-1:0")]
    [InlineData("dns:///mnist-cnn-1:70000")]
    [InlineData("dns:///mnist-cnn-1:80a")]
    [InlineData("dns:///:8001")]
    [InlineData("dns://10.0.0.10/mnist-cnn-1:8001")] // a DNS server of its own: the channel's resolver ignores it
    [InlineData("dns:///bad host:8001")]
    [InlineData("static:///127.0.0.1:8001")]
    [InlineData("ftp://127.0.0.1:8001")]
    public void Rejected_with_the_address_and_the_accepted_forms(string endpoint)
    {
        string error = Assert.Single(Validate(endpoint));

        Assert.StartsWith("ensembles[0].members[0].endpoints[0]:", error, StringComparison.Ordinal);
        Assert.Contains($"'{endpoint}'", error, StringComparison.Ordinal);
        Assert.Contains("dns:///host:port", error, StringComparison.Ordinal);
    }

    private IReadOnlyList<string> Validate(string endpoint) => _validator.Validate(RoutingConfigValidatorTests.Parse($$"""
        { "ensembles": [ { "name": "mnist",
            "members": [ { "name": "a", "endpoints": ["{{endpoint}}"] } ],
            "arms": [ { "name": "bag", "strategy": "bagging", "weight": 1 } ] } ] }
        """));
}
