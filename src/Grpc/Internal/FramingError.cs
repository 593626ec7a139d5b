namespace EnsembleGrpc.Grpc.Internal;

internal enum FramingError
{
    InvalidCompressedFlag,
    MessageTooLarge,
    TruncatedMessage,
    CompressedWithoutEncoding,
    UnsupportedEncoding,
}
