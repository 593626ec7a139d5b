using EnsembleGrpc.Interop.Tests.Protos;
using Google.Protobuf;
using Grpc.Core;

namespace EnsembleGrpc.Interop.Tests.TestServices;

/// <summary>
/// The TestService behaviour that test_service.proto describes, steered by request fields. Reports to the
/// <see cref="TestServiceProbe"/> so tests can wait on handler events.
/// </summary>
public sealed class TestServiceImpl(TestServiceProbe probe) : TestService.TestServiceBase
{
    public override async Task<EchoReply> Echo(EchoRequest request, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        using var registration = WatchCancellation(cancellationToken);
        // Only now: a test that moves the clock once the handler started must find the watch in place.
        probe.HandlerStarted.TrySetResult(context);
        try
        {
            var reply = await EchoCoreAsync(request, context);
            ReportFinished(cancellationToken, null);
            return reply;
        }
        catch (Exception ex)
        {
            ReportFinished(cancellationToken, ex);
            throw;
        }
    }

    public override async Task Stream(StreamRequest request, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        using var registration = WatchCancellation(cancellationToken);
        // Only now: a test that moves the clock once the handler started must find the watch in place.
        probe.HandlerStarted.TrySetResult(context);
        try
        {
            for (var i = 0; i < request.Count; i++)
            {
                ThrowIfFailPoint(request, i);
                if (request.DelayMs > 0 && i >= request.Immediate)
                {
                    await Task.Delay(request.DelayMs, context.CancellationToken);
                }

                await responseStream.WriteAsync(new EchoReply { Index = i, Payload = ByteString.CopyFrom(Pattern(request.PayloadSize)) });
            }

            ThrowIfFailPoint(request, request.Count);
            ReportFinished(cancellationToken, null);
        }
        catch (Exception ex)
        {
            ReportFinished(cancellationToken, ex);
            throw;
        }
    }

    /// <summary>Deterministic payload bytes, so size and content can both be checked.</summary>
    public static byte[] Pattern(int size)
    {
        var bytes = new byte[size];
        for (var i = 0; i < size; i++)
        {
            bytes[i] = (byte)(i * 31 + 7);
        }

        return bytes;
    }

    /// <summary>The trailer name an echoed header gets: "-trailer" before a "-bin" suffix, so binary stays binary.</summary>
    public static string TrailerName(string key) =>
        key.EndsWith(Metadata.BinaryHeaderSuffix, StringComparison.Ordinal) ? key[..^4] + "-trailer-bin" : key + "-trailer";

    /// <summary>Reports the call's token firing while the handler is still waiting on something else.</summary>
    private CancellationTokenRegistration WatchCancellation(CancellationToken cancellationToken) =>
        cancellationToken.Register(static p => ((TestServiceProbe)p!).HandlerCancelled.TrySetResult(), probe);

    /// <summary>
    /// Reports the end of the handler, and first whether its token had fired. The registration alone can miss it:
    /// a token runs its callbacks one by one, newest first, so when the handler's own wait (a Task.Delay registered
    /// after the probe) is cancelled, the handler resumes on another thread, unwinds and disposes the probe's
    /// registration before the cancelling thread reaches it; a disposed registration that has not started never runs.
    /// The token's state, set before any callback runs, is what tells.
    /// </summary>
    private void ReportFinished(CancellationToken cancellationToken, Exception? exception)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            probe.HandlerCancelled.TrySetResult();
        }

        probe.HandlerFinished.TrySetResult(exception);
    }

    private static void ThrowIfFailPoint(StreamRequest request, int index)
    {
        if (request.FailCode != 0 && index == request.FailAfter)
        {
            throw new RpcException(new Status((StatusCode)request.FailCode, request.FailMessage));
        }
    }

    private async Task<EchoReply> EchoCoreAsync(EchoRequest request, ServerCallContext context)
    {
        var reply = new EchoReply
        {
            Payload = request.ReplySize > 0 ? ByteString.CopyFrom(Pattern(request.ReplySize)) : request.Payload,
            DeadlineRemainingMs = context.Deadline == DateTime.MaxValue ? -1 : (long)(context.Deadline - DateTime.UtcNow).TotalMilliseconds,
        };

        var echoed = new Metadata();
        foreach (var entry in context.RequestHeaders)
        {
            if (!entry.Key.StartsWith("x-", StringComparison.Ordinal))
            {
                continue;
            }

            reply.SeenHeaders.Add(entry.Key + "=" + (entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes) : entry.Value));
            if (request.EchoMetadata)
            {
                echoed.Add(entry);
                context.ResponseTrailers.Add(entry.IsBinary ? new Metadata.Entry(TrailerName(entry.Key), entry.ValueBytes) : new Metadata.Entry(TrailerName(entry.Key), entry.Value));
            }
        }

        if (request.EchoMetadata)
        {
            await context.WriteResponseHeadersAsync(echoed);
        }

        if (request.DelayMs > 0)
        {
            if (request.IgnoreCancellation)
            {
                // Deliberately deaf to the call's token: only server shutdown ends the wait.
                try
                {
                    await Task.Delay(request.DelayMs, probe.ReleaseToken);
                }
                catch (OperationCanceledException)
                {
                }
            }
            else
            {
                await Task.Delay(request.DelayMs, context.CancellationToken);
            }
        }

        if (request.ThrowException)
        {
            throw new InvalidOperationException("Handler failure: " + request.FailMessage);
        }

        if (request.FailCode != 0)
        {
            throw new RpcException(new Status((StatusCode)request.FailCode, request.FailMessage));
        }

        return reply;
    }
}
