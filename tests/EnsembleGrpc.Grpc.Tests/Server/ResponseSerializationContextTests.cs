using System.Buffers;
using System.IO.Pipelines;
using EnsembleGrpc.Grpc.Internal;
using EnsembleGrpc.Grpc.Server.Internal;
using EnsembleGrpc.Grpc.Tests.TestServices;
using Grpc.Core;

namespace EnsembleGrpc.Grpc.Tests.Server;

/// <summary>How a response message is framed into the pipe for each way a marshaller can write it.</summary>
public sealed class ResponseSerializationContextTests
{
    [Fact]
    public async Task Declared_length_writes_prefix_then_payload_directly()
    {
        var payload = TestServiceImpl.Pattern(10_000);
        var bytes = await SerializeAsync(payload, (p, c) =>
        {
            c.SetPayloadLength(p.Length);
            WriteInChunks(c.GetBufferWriter(), p, 777);
            c.Complete();
        });

        Assert.Equal(RawGrpcClient.Frame(payload), bytes);
    }

    [Fact]
    public async Task Unknown_length_reserves_the_prefix_and_fills_it_at_complete()
    {
        // Larger than a pipe segment, so the reserved prefix and the end of the payload live in different segments.
        var payload = TestServiceImpl.Pattern(20_000);
        var bytes = await SerializeAsync(payload, (p, c) =>
        {
            WriteInChunks(c.GetBufferWriter(), p, 1000);
            c.Complete();
        });

        Assert.Equal(RawGrpcClient.Frame(payload), bytes);
    }

    [Fact]
    public async Task Whole_array_payload_is_framed()
    {
        var payload = TestServiceImpl.Pattern(100);

        Assert.Equal(RawGrpcClient.Frame(payload), await SerializeAsync(payload, (p, c) => c.Complete(p)));
    }

    [Fact]
    public async Task Complete_without_a_writer_is_an_empty_message()
    {
        Assert.Equal(RawGrpcClient.Frame([]), await SerializeAsync([], (_, c) => c.Complete()));
    }

    [Fact]
    public async Task Compressed_message_is_flagged_and_inflates_to_the_payload()
    {
        var payload = new byte[10_000];
        var bytes = await SerializeAsync(payload, (p, c) => c.Complete(p), compress: true);

        Assert.Equal(1, bytes[0]);
        Assert.True(bytes.Length < 1000);
        Assert.Equal(payload, GzipCodec.Decompress(new ReadOnlySequence<byte>(bytes, 5, bytes.Length - 5), int.MaxValue));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Send_limit_is_checked_before_anything_reaches_the_pipe(bool declareLength)
    {
        var pipe = new Pipe();
        var context = new ResponseSerializationContext();
        context.Reset(pipe.Writer, maxMessageSize: 100, compress: false);

        var ex = Assert.Throws<RpcException>(() =>
        {
            if (declareLength)
            {
                context.SetPayloadLength(101);
            }

            WriteInChunks(context.GetBufferWriter(), new byte[101], 50);
            context.Complete();
        });

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.False(context.HasWrittenToPipe);
        Assert.Equal(0, pipe.Writer.UnflushedBytes);
    }

    [Fact]
    public async Task Declared_length_that_does_not_match_the_bytes_written_is_an_error()
    {
        var pipe = new Pipe();
        var context = new ResponseSerializationContext();
        context.Reset(pipe.Writer, null, compress: false);
        context.SetPayloadLength(10);
        WriteInChunks(context.GetBufferWriter(), new byte[9], 9);

        Assert.Throws<InvalidOperationException>(context.Complete);
        Assert.True(context.HasWrittenToPipe); // the caller must reset the stream
        await pipe.Writer.CompleteAsync();
    }

    private static async Task<byte[]> SerializeAsync(byte[] payload, Action<byte[], SerializationContext> serializer, bool compress = false)
    {
        var pipe = new Pipe(new PipeOptions(minimumSegmentSize: 4096));
        var context = new ResponseSerializationContext();
        context.Reset(pipe.Writer, null, compress);
        serializer(payload, context);
        context.EnsureCompleted();
        await pipe.Writer.FlushAsync();
        await pipe.Writer.CompleteAsync();

        var result = await pipe.Reader.ReadAsync();
        while (!result.IsCompleted)
        {
            pipe.Reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            result = await pipe.Reader.ReadAsync();
        }

        var bytes = result.Buffer.ToArray();
        pipe.Reader.AdvanceTo(result.Buffer.End);
        return bytes;
    }

    private static void WriteInChunks(IBufferWriter<byte> writer, byte[] payload, int chunk)
    {
        for (var offset = 0; offset < payload.Length; offset += chunk)
        {
            var size = Math.Min(chunk, payload.Length - offset);
            payload.AsSpan(offset, size).CopyTo(writer.GetSpan(size));
            writer.Advance(size);
        }
    }
}
