using EnsembleGrpc.Grpc.Client;
using EnsembleGrpc.Grpc.Tests.Protos;

namespace EnsembleGrpc.Grpc.Tests.Client;

internal static class ClientTestHelpers
{
    public static (GrpcChannel Channel, TestService.TestServiceClient Client) Create(FakeGrpcHandler handler, Action<GrpcChannelOptions>? configure = null, string address = "http://fake.test:5000")
    {
        var options = new GrpcChannelOptions { HttpMessageHandler = handler };
        configure?.Invoke(options);
        var channel = GrpcChannel.ForAddress(address, options);
        return (channel, new TestService.TestServiceClient(channel));
    }

    public static byte[] ReplyFrame(string payload, int index = 0) =>
        FakeGrpcHandler.Frame(new EchoReply { Payload = Google.Protobuf.ByteString.CopyFromUtf8(payload), Index = index });
}
