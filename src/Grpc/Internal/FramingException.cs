using Grpc.Core;

namespace EnsembleGrpc.Grpc.Internal;

/// <summary>A framing violation; carries the status the peer should get.</summary>
internal sealed class FramingException(FramingError error, string message) : Exception(message)
{
    public FramingError Error { get; } = error;

    public StatusCode StatusCode => Error switch
    {
        FramingError.MessageTooLarge => StatusCode.ResourceExhausted,
        FramingError.UnsupportedEncoding => StatusCode.Unimplemented,
        _ => StatusCode.Internal,
    };
}
