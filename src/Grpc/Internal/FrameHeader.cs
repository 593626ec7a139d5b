namespace EnsembleGrpc.Grpc.Internal;

/// <summary>A parsed 5-byte message prefix.</summary>
internal readonly record struct FrameHeader(bool Compressed, int Length);
