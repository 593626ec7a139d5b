using System.IO.Compression;
using EnsembleGrpc.Hosting.Errors;
using Grpc.Core;
using Grpc.Net.Compression;

namespace EnsembleGrpc.Router.Tests.Frontend;

/// <summary>
/// Request decompression as our servers do it: garbage is the client's INVALID_ARGUMENT, output past the message size
/// limit stops there with RESOURCE_EXHAUSTED, a valid message comes through unchanged. (The fuzz suite sends the same
/// to real processes.)
/// </summary>
public sealed class CheckedDecompressionTests
{
    private static readonly CheckedDecompressionProvider Gzip = new(new GzipCompressionProvider(CompressionLevel.Fastest), maxMessageBytes: 1024);

    [Fact]
    public void Bytes_that_are_not_gzip_are_invalid_argument_naming_the_encoding()
    {
        var garbage = new byte[200];
        new Random(7).NextBytes(garbage);

        var ex = Assert.Throws<RpcException>(() => Inflate(garbage));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("the request message could not be decompressed as gzip", ex.Status.Detail);
    }

    [Fact]
    public void Output_past_the_limit_stops_with_resource_exhausted_before_the_rest_is_inflated()
    {
        var ex = Assert.Throws<RpcException>(() => Inflate(Compress(new byte[1 << 20])));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("more than the largest accepted (1024 bytes)", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_message_up_to_the_limit_comes_through()
    {
        byte[] message = [.. Enumerable.Range(0, 1024).Select(i => (byte)i)];

        Assert.Equal(message, Inflate(Compress(message)));
    }

    private static byte[] Inflate(byte[] compressed)
    {
        using var stream = Gzip.CreateDecompressionStream(new MemoryStream(compressed));
        using var output = new MemoryStream();
        stream.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] Compress(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = Gzip.CreateCompressionStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return buffer.ToArray();
    }
}
