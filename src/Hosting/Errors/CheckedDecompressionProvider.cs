using System.IO.Compression;
using Grpc.Net.Compression;

namespace EnsembleGrpc.Hosting.Errors;

/// <summary>
/// Decompresses request messages as the wrapped provider does, checked (see <see cref="CheckedDecompressionStream"/>):
/// data that is not valid for the encoding is INVALID_ARGUMENT instead of Grpc.AspNetCore's UNKNOWN, and output past
/// the server's largest message is RESOURCE_EXHAUSTED as soon as it gets there, before a small "zip bomb" is inflated
/// to its full size in memory. Compression of responses is the wrapped provider's, unchanged.
/// </summary>
public sealed class CheckedDecompressionProvider(ICompressionProvider inner, long maxMessageBytes) : ICompressionProvider
{
    public ICompressionProvider Inner => inner;

    public string EncodingName => inner.EncodingName;

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) => inner.CreateCompressionStream(stream, compressionLevel);

    public Stream CreateDecompressionStream(Stream stream) => new CheckedDecompressionStream(inner.CreateDecompressionStream(stream), inner.EncodingName, maxMessageBytes);
}
