using System.Buffers.Binary;
using System.Text;
using EnsembleGrpc.Grpc.Server;
using EnsembleGrpc.Grpc.Tests.Protos;
using EnsembleGrpc.Grpc.Tests.TestServices;
using Grpc.Core;

namespace EnsembleGrpc.Grpc.Tests.Server;

/// <summary>Hand-built service definitions: the method shapes and marshaller styles the test proto does not cover.</summary>
public sealed class ServerDefinitionTests
{
    private const string Service = "test.Strings";
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    /// <summary>A contextual serializer that never announces its length: the server must reserve and backfill the prefix.</summary>
    private static readonly Marshaller<string> ChunkedMarshaller = Marshallers.Create<string>(
        (value, context) =>
        {
            var writer = context.GetBufferWriter();
            var bytes = Encoding.UTF8.GetBytes(value);
            for (var offset = 0; offset < bytes.Length; offset += 1000)
            {
                var size = Math.Min(1000, bytes.Length - offset);
                bytes.AsSpan(offset, size).CopyTo(writer.GetSpan(size));
                writer.Advance(size);
            }

            context.Complete();
        },
        context => Encoding.UTF8.GetString(context.PayloadAsReadOnlySequence()));

    [Fact]
    public async Task Client_streaming_reads_every_request_message()
    {
        var method = StringMethod(MethodType.ClientStreaming, "Join");
        var definition = ServerServiceDefinition.CreateBuilder().AddMethod(method, async (IAsyncStreamReader<string> requests, ServerCallContext _) =>
        {
            var parts = new List<string>();
            await foreach (var part in requests.ReadAllAsync())
            {
                parts.Add(part);
            }

            return string.Join("+", parts);
        }).Build();
        await using var server = await TestServer.StartAsync(mapTestService: false, configureEndpoints: e => e.MapGrpcService(definition));
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync(method.FullName, [.. Frame("a"), .. Frame(""), .. Frame("ccc")]);

        Assert.Equal(StatusCode.OK, response.StatusCode);
        Assert.Equal("a++ccc", Text(Assert.Single(response.Frames).Payload));
    }

    [Fact]
    public async Task Duplex_streaming_answers_each_message_as_it_arrives()
    {
        var method = StringMethod(MethodType.DuplexStreaming, "Upper");
        var definition = ServerServiceDefinition.CreateBuilder().AddMethod(method, async (IAsyncStreamReader<string> requests, IServerStreamWriter<string> responses, ServerCallContext _) =>
        {
            await foreach (var text in requests.ReadAllAsync())
            {
                await responses.WriteAsync(text.ToUpperInvariant());
            }
        }).Build();
        await using var server = await TestServer.StartAsync(mapTestService: false, configureEndpoints: e => e.MapGrpcService(definition));
        using var client = new RawGrpcClient(server.Address);
        using var content = new StreamingContent();
        // Response headers go out with the first message, so send one before waiting for them.
        content.Write(Frame("one"));
        using var response = await client.SendHeadersAsync(client.CreateRequest(method.FullName, content)).WaitAsync(Guard);
        var body = await response.Content.ReadAsStreamAsync();

        Assert.Equal("ONE", await ReadFrameAsync(body).WaitAsync(Guard));
        // The second message is sent only after the first answer arrived: the two streams really interleave.
        content.Write(Frame("two"));
        Assert.Equal("TWO", await ReadFrameAsync(body).WaitAsync(Guard));
        content.Complete();

        Assert.Equal(0, await body.ReadAsync(new byte[1]).AsTask().WaitAsync(Guard)); // end of body
        Assert.Equal("0", Assert.Single(response.TrailingHeaders.GetValues("grpc-status")));
    }

    [Fact]
    public async Task Each_streamed_message_is_flushed_before_the_handler_returns()
    {
        var method = StringMethod(MethodType.ServerStreaming, "Hold");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var definition = ServerServiceDefinition.CreateBuilder().AddMethod(method, async (string request, IServerStreamWriter<string> responses, ServerCallContext _) =>
        {
            await responses.WriteAsync("first");
            await release.Task;
            await responses.WriteAsync("second");
        }).Build();
        await using var server = await TestServer.StartAsync(mapTestService: false, configureEndpoints: e => e.MapGrpcService(definition));
        using var client = new RawGrpcClient(server.Address);

        using var response = await client.SendHeadersAsync(client.CreateRequest(method.FullName, new ByteArrayContent(Frame("go"))));
        var body = await response.Content.ReadAsStreamAsync();

        Assert.Equal("first", await ReadFrameAsync(body).WaitAsync(Guard));
        release.SetResult();
        Assert.Equal("second", await ReadFrameAsync(body).WaitAsync(Guard));
    }

    [Fact]
    public async Task Writes_after_the_call_completed_are_rejected()
    {
        var method = StringMethod(MethodType.ServerStreaming, "Leak");
        var leaked = new TaskCompletionSource<IServerStreamWriter<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var definition = ServerServiceDefinition.CreateBuilder().AddMethod(method, async (string request, IServerStreamWriter<string> responses, ServerCallContext _) =>
        {
            await responses.WriteAsync("only");
            leaked.SetResult(responses);
        }).Build();
        await using var server = await TestServer.StartAsync(mapTestService: false, configureEndpoints: e => e.MapGrpcService(definition));
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync(method.FullName, Frame("go"));
        var writer = await leaked.Task.WaitAsync(Guard);

        Assert.Equal(StatusCode.OK, response.StatusCode);
        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteAsync("too late"));
    }

    [Fact]
    public async Task Serializer_without_a_length_is_framed_by_backfilling_the_prefix()
    {
        var method = new Method<string, string>(MethodType.Unary, Service, "Big", ChunkedMarshaller, ChunkedMarshaller);
        var definition = ServerServiceDefinition.CreateBuilder().AddMethod(method, (string request, ServerCallContext _) => Task.FromResult(new string('x', 100_000) + request)).Build();
        await using var server = await TestServer.StartAsync(mapTestService: false, configureEndpoints: e => e.MapGrpcService(definition));
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync(method.FullName, Frame("!"));

        Assert.Equal(StatusCode.OK, response.StatusCode);
        var text = Text(Assert.Single(response.Frames).Payload);
        Assert.Equal(100_001, text.Length);
        Assert.EndsWith("x!", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RpcException_trailers_and_handler_trailers_are_both_sent()
    {
        var method = StringMethod(MethodType.Unary, "Fail");
        var definition = ServerServiceDefinition.CreateBuilder().AddMethod(method, (string request, ServerCallContext context) =>
        {
            context.ResponseTrailers.Add("x-from-context", "1");
            throw new RpcException(new Status(StatusCode.InvalidArgument, "bad"), new Metadata { { "x-from-exception", "2" }, { "x-detail-bin", new byte[] { 9 } } });
        }).Build();
        await using var server = await TestServer.StartAsync(mapTestService: false, configureEndpoints: e => e.MapGrpcService(definition));
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync(method.FullName, Frame("x"));

        Assert.Equal(StatusCode.InvalidArgument, response.StatusCode);
        Assert.Equal("1", response.Header("x-from-context"));
        Assert.Equal("2", response.Header("x-from-exception"));
        Assert.Equal("CQ==", response.Header("x-detail-bin"));
    }

    [Fact]
    public async Task Status_set_on_the_context_is_sent_and_the_response_is_not()
    {
        var method = StringMethod(MethodType.Unary, "Soft");
        var definition = ServerServiceDefinition.CreateBuilder().AddMethod(method, (string request, ServerCallContext context) =>
        {
            context.Status = new Status(StatusCode.NotFound, "no such model");
            return Task.FromResult("ignored");
        }).Build();
        await using var server = await TestServer.StartAsync(mapTestService: false, configureEndpoints: e => e.MapGrpcService(definition));
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync(method.FullName, Frame("x"));

        Assert.True(response.IsTrailersOnly);
        Assert.Equal(StatusCode.NotFound, response.StatusCode);
        Assert.Equal("no such model", response.RawMessage);
    }

    [Fact]
    public async Task Unregistered_service_is_created_per_call_and_disposed()
    {
        DisposableTestService.Reset();
        await using var server = await TestServer.StartAsync(mapTestService: false, configureEndpoints: e => e.MapGrpcService<DisposableTestService>());
        using var client = new RawGrpcClient(server.Address);

        var response = await client.CallAsync(TestPaths.Echo, RawGrpcClient.Frame(new EchoRequest()));

        Assert.Equal(StatusCode.OK, response.StatusCode);
        Assert.Equal(1, DisposableTestService.Created);
        await DisposableTestService.Disposed.Task.WaitAsync(Guard);
    }

    private static Method<string, string> StringMethod(MethodType type, string name) =>
        new(type, Service, name, Marshallers.StringMarshaller, Marshallers.StringMarshaller);

    private static byte[] Frame(string text) => RawGrpcClient.Frame(Encoding.UTF8.GetBytes(text));

    private static string Text(byte[] payload) => Encoding.UTF8.GetString(payload);

    private static async Task<string> ReadFrameAsync(Stream body)
    {
        var header = new byte[5];
        await body.ReadExactlyAsync(header);
        var payload = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1))];
        await body.ReadExactlyAsync(payload);
        return Text(payload);
    }

    /// <summary>Not registered in DI: the server constructs it (with DI-provided arguments) and disposes it after the call.</summary>
    private sealed class DisposableTestService : TestService.TestServiceBase, IDisposable
    {
        public DisposableTestService(TestServiceProbe probe)
        {
            ArgumentNullException.ThrowIfNull(probe);
            Interlocked.Increment(ref s_created);
        }

        private static int s_created;

        public static int Created => Volatile.Read(ref s_created);

        public static TaskCompletionSource Disposed { get; private set; } = new();

        public static void Reset()
        {
            s_created = 0;
            Disposed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public override Task<EchoReply> Echo(EchoRequest request, ServerCallContext context) => Task.FromResult(new EchoReply { Payload = request.Payload });

        public void Dispose() => Disposed.TrySetResult();
    }
}
