using Grpc.Core;

namespace EnsembleGrpc.Grpc.Server.Internal;

/// <summary>The handler's request stream over the request body; one MoveNext at a time.</summary>
internal sealed class HttpContextStreamReader<T>(HttpServerCallContext context, GrpcMessageReader reader, Func<DeserializationContext, T> deserializer) : IAsyncStreamReader<T>
{
    private T? _current;
    private int _reading;
    private bool _ended;

    public T Current => _current ?? throw new InvalidOperationException("No current message: call MoveNext first.");

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _reading, 1) == 1)
        {
            throw new InvalidOperationException("Can't read the next message because the previous read is still in progress.");
        }

        try
        {
            if (_ended)
            {
                return false;
            }

            var callToken = context.CancellationToken;
            using var linked = cancellationToken.CanBeCanceled && cancellationToken != callToken
                ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, callToken)
                : null;
            var (hasMessage, message) = await reader.ReadNextMessageAsync(deserializer, linked?.Token ?? callToken).ConfigureAwait(false);
            _current = message;
            _ended = !hasMessage;
            return hasMessage;
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
    }
}
