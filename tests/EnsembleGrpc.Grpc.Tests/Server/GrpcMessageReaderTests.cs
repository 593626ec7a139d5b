using System.Buffers;
using System.IO.Pipelines;
using EnsembleGrpc.Grpc.Internal;
using EnsembleGrpc.Grpc.Server.Internal;
using EnsembleGrpc.Grpc.Tests.TestServices;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace EnsembleGrpc.Grpc.Tests.Server;

/// <summary>The server's request framing over a real <see cref="Pipe"/>, fed piece by piece.</summary>
public sealed class GrpcMessageReaderTests
{
    private static readonly Func<DeserializationContext, byte[]> ToArray = c => c.PayloadAsNewBuffer();

    [Fact]
    public async Task Reads_a_message_whose_header_is_split_across_reads()
    {
        var pipe = new Pipe();
        var reader = CreateReader(pipe);
        var frame = RawGrpcClient.Frame([1, 2, 3]);

        var read = reader.ReadSingleMessageAsync(ToArray, default).AsTask();
        await WriteAsync(pipe, frame.AsMemory(0, 2));
        Assert.False(read.IsCompleted);
        await WriteAsync(pipe, frame.AsMemory(2, 2));
        Assert.False(read.IsCompleted);
        await WriteAsync(pipe, frame.AsMemory(4));
        Assert.False(read.IsCompleted); // one message is not enough for a unary request: the body must end
        await pipe.Writer.CompleteAsync();

        Assert.Equal([1, 2, 3], await read);
    }

    [Fact]
    public async Task Reads_a_zero_length_message()
    {
        var pipe = new Pipe();
        await WriteAsync(pipe, RawGrpcClient.Frame([]));
        await pipe.Writer.CompleteAsync();

        var length = await CreateReader(pipe).ReadSingleMessageAsync(c => c.PayloadLength, default);

        Assert.Equal(0, length);
    }

    [Fact]
    public async Task Deserializes_from_the_pipe_buffers_when_the_payload_spans_segments()
    {
        var pipe = new Pipe(new PipeOptions(minimumSegmentSize: 16));
        var payload = TestServiceImpl.Pattern(1000);
        var frame = RawGrpcClient.Frame(payload);
        for (var i = 0; i < frame.Length; i += 100)
        {
            await WriteAsync(pipe, frame.AsMemory(i, Math.Min(100, frame.Length - i)));
        }

        await pipe.Writer.CompleteAsync();
        var segments = 0;
        var message = await CreateReader(pipe).ReadSingleMessageAsync(
            c =>
            {
                var sequence = c.PayloadAsReadOnlySequence();
                foreach (var unused in sequence)
                {
                    segments++;
                }

                return sequence.ToArray();
            },
            default);

        Assert.Equal(payload, message);
        Assert.True(segments > 1, "the payload should be handed over as the pipe's own segments, not a copy");
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0, 0, 0 })]
    [InlineData(new byte[] { 0, 0, 0, 0, 4, 1, 2 })]
    public async Task Truncated_body_is_incomplete_message(byte[] body)
    {
        var pipe = new Pipe();
        await WriteAsync(pipe, body);
        await pipe.Writer.CompleteAsync();

        var ex = await Assert.ThrowsAsync<FramingException>(() => CreateReader(pipe).ReadSingleMessageAsync(ToArray, default).AsTask());

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Equal("Incomplete message.", ex.Message);
    }

    [Fact]
    public async Task Oversize_length_prefix_fails_from_the_header_alone()
    {
        var pipe = new Pipe();
        // Only the 5-byte prefix arrives and the writer stays open: the reader must not wait for (or buffer) 100 MB.
        await WriteAsync(pipe, new byte[] { 0, 0x06, 0x40, 0, 0 });

        var ex = await Assert.ThrowsAsync<FramingException>(() => CreateReader(pipe, maxMessageSize: 1024).ReadSingleMessageAsync(ToArray, default).AsTask());

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal("Received message larger than max (104857600 vs. 1024)", ex.Message);
    }

    [Fact]
    public async Task Second_message_in_a_unary_request_is_rejected()
    {
        var pipe = new Pipe();
        await WriteAsync(pipe, RawGrpcClient.Frame([1]));
        var read = CreateReader(pipe).ReadSingleMessageAsync(ToArray, default).AsTask();
        await WriteAsync(pipe, RawGrpcClient.Frame([2]));

        var ex = await Assert.ThrowsAsync<RpcException>(() => read);

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Equal("Additional data after the message received.", ex.Status.Detail);
    }

    [Theory]
    [InlineData(null, "Request did not include grpc-encoding value with compressed message.")]
    [InlineData("identity", "Request sent 'identity' grpc-encoding value with compressed message.")]
    public async Task Compressed_flag_without_an_encoding_is_internal(string? encoding, string expected)
    {
        var pipe = new Pipe();
        await WriteAsync(pipe, RawGrpcClient.Frame(GzipCodec.Compress([1, 2, 3]), compressed: true));
        await pipe.Writer.CompleteAsync();

        var ex = await Assert.ThrowsAsync<FramingException>(() => CreateReader(pipe, encoding: encoding).ReadSingleMessageAsync(ToArray, default).AsTask());

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Equal(expected, ex.Message);
    }

    [Fact]
    public async Task Unknown_encoding_is_unimplemented()
    {
        var pipe = new Pipe();
        await WriteAsync(pipe, RawGrpcClient.Frame([9, 9], compressed: true));
        await pipe.Writer.CompleteAsync();

        var ex = await Assert.ThrowsAsync<FramingException>(() => CreateReader(pipe, encoding: "snappy").ReadSingleMessageAsync(ToArray, default).AsTask());

        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
        Assert.Contains("'snappy'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gzip_message_round_trips()
    {
        var payload = TestServiceImpl.Pattern(50_000);
        var pipe = new Pipe();
        await WriteAsync(pipe, RawGrpcClient.Frame(GzipCodec.Compress(payload), compressed: true));
        await pipe.Writer.CompleteAsync();

        Assert.Equal(payload, await CreateReader(pipe, encoding: "gzip").ReadSingleMessageAsync(ToArray, default));
    }

    [Fact]
    public async Task Gzip_message_over_the_limit_once_inflated_is_resource_exhausted()
    {
        var compressed = GzipCodec.Compress(new byte[100_000]); // zeros: tiny on the wire
        Assert.True(compressed.Length < 1024);
        var pipe = new Pipe();
        await WriteAsync(pipe, RawGrpcClient.Frame(compressed, compressed: true));
        await pipe.Writer.CompleteAsync();

        var ex = await Assert.ThrowsAsync<FramingException>(() => CreateReader(pipe, maxMessageSize: 1024, encoding: "gzip").ReadSingleMessageAsync(ToArray, default).AsTask());

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task Stream_reads_every_message_then_reports_the_end()
    {
        var pipe = new Pipe();
        var reader = CreateReader(pipe);
        await WriteAsync(pipe, (byte[])[.. RawGrpcClient.Frame([1]), .. RawGrpcClient.Frame([]), .. RawGrpcClient.Frame([2, 2])[..3]]);

        var first = await reader.ReadNextMessageAsync(ToArray, default);
        Assert.True(first.HasMessage);
        Assert.Equal([1], first.Message);
        var second = await reader.ReadNextMessageAsync(ToArray, default);
        Assert.True(second.HasMessage);
        Assert.Empty(second.Message!);
        var third = reader.ReadNextMessageAsync(ToArray, default).AsTask();
        Assert.False(third.IsCompleted);
        await WriteAsync(pipe, RawGrpcClient.Frame([2, 2])[3..]);
        Assert.Equal([2, 2], (await third).Message);
        await pipe.Writer.CompleteAsync();
        Assert.False((await reader.ReadNextMessageAsync(ToArray, default)).HasMessage);
    }

    [Fact]
    public async Task Stream_ending_inside_a_message_is_incomplete()
    {
        var pipe = new Pipe();
        await WriteAsync(pipe, RawGrpcClient.Frame([1, 2, 3])[..6]);
        await pipe.Writer.CompleteAsync();

        var ex = await Assert.ThrowsAsync<FramingException>(() => CreateReader(pipe).ReadNextMessageAsync(ToArray, default).AsTask());

        Assert.Equal("Incomplete message.", ex.Message);
    }

    [Fact]
    public async Task Cancellation_stops_a_pending_read()
    {
        var pipe = new Pipe();
        using var cts = new CancellationTokenSource();
        var read = CreateReader(pipe).ReadSingleMessageAsync(ToArray, cts.Token).AsTask();

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
    }

    private static GrpcMessageReader CreateReader(Pipe pipe, int maxMessageSize = GrpcServerOptionsDefaults.MaxReceive, string? encoding = null)
    {
        var headers = new HeaderDictionary();
        if (encoding is not null)
        {
            headers[GrpcProtocolConstants.EncodingHeader] = encoding;
        }

        return new GrpcMessageReader(pipe.Reader, maxMessageSize, headers);
    }

    private static async Task WriteAsync(Pipe pipe, ReadOnlyMemory<byte> bytes) => await pipe.Writer.WriteAsync(bytes);

    private static class GrpcServerOptionsDefaults
    {
        public const int MaxReceive = EnsembleGrpc.Grpc.Server.GrpcServerOptions.DefaultMaxReceiveMessageSize;
    }
}
