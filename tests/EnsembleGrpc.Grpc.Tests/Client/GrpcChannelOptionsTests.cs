using EnsembleGrpc.Grpc.Client;

namespace EnsembleGrpc.Grpc.Tests.Client;

public sealed class GrpcChannelOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_documented_values()
    {
        var options = new GrpcChannelOptions();
        Assert.Empty(options.GetValidationErrors());
        Assert.Equal(1, options.Connections);
        Assert.Equal(4 * 1024 * 1024, options.MaxReceiveMessageSize);
        Assert.Null(options.MaxSendMessageSize);
        Assert.Equal(TimeSpan.FromSeconds(60), options.KeepAlivePingDelay);
        Assert.Equal(TimeSpan.FromSeconds(20), options.KeepAlivePingTimeout);
        Assert.Equal(3, options.MaxRetryAttemptsOnRefusedStream);
        Assert.Null(options.RequestCompression);
        Assert.Same(TimeProvider.System, options.TimeProvider);
    }

    [Fact]
    public void Validate_reports_every_error_at_once()
    {
        var options = new GrpcChannelOptions
        {
            Connections = 0,
            MaxReceiveMessageSize = -1,
            MaxSendMessageSize = -2,
            KeepAlivePingDelay = TimeSpan.FromMilliseconds(10),
            KeepAlivePingTimeout = TimeSpan.Zero,
            ConnectTimeout = TimeSpan.Zero,
            RequestCompression = "br",
            MaxRetryAttemptsOnRefusedStream = -1,
        };

        Assert.Equal(8, options.GetValidationErrors().Count);
        var ex = Assert.Throws<ArgumentException>(options.Validate);
        foreach (var name in new[] { "Connections", "MaxReceiveMessageSize", "MaxSendMessageSize", "KeepAlivePingDelay", "KeepAlivePingTimeout", "ConnectTimeout", "RequestCompression", "MaxRetryAttemptsOnRefusedStream" })
        {
            Assert.Contains(name, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_injected_handler_needs_one_connection()
    {
        using var handler = new FakeGrpcHandler((_, _) => throw new InvalidOperationException());
        var options = new GrpcChannelOptions { HttpMessageHandler = handler, Connections = 2 };
        var ex = Assert.Throws<ArgumentException>(() => GrpcChannel.ForAddress("http://localhost:1", options));
        Assert.Contains("Connections must be 1", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://localhost:1")]
    [InlineData("/relative")]
    public void ForAddress_rejects_non_http_addresses(string address) =>
        Assert.ThrowsAny<ArgumentException>(() => GrpcChannel.ForAddress(address));

    [Fact]
    public void Tls_options_need_an_https_address()
    {
        var options = new GrpcChannelOptions { RemoteCertificateValidation = (_, _, _, _) => true };
        Assert.Throws<ArgumentException>(() => GrpcChannel.ForAddress("http://localhost:1", options));
        using var channel = GrpcChannel.ForAddress("https://localhost:1", options);
        Assert.Equal("localhost:1", channel.Target);
    }

    [Fact]
    public void Keep_alive_pings_can_be_turned_off()
    {
        Assert.Empty(new GrpcChannelOptions { KeepAlivePingDelay = TimeSpan.Zero }.GetValidationErrors());
        Assert.Empty(new GrpcChannelOptions { KeepAlivePingDelay = Timeout.InfiniteTimeSpan }.GetValidationErrors());
    }

    [Fact]
    public void A_disposed_channel_refuses_new_calls()
    {
        using var handler = FakeGrpcHandler.Returning(() => FakeGrpcHandler.TrailersOnly(0));
        var (channel, client) = ClientTestHelpers.Create(handler);
        channel.Dispose();
        Assert.Throws<ObjectDisposedException>(() => client.EchoAsync(new Protos.EchoRequest()));
    }
}
