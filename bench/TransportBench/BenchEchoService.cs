using EnsembleGrpc.Grpc.Tests.Protos;
using Grpc.Core;

namespace TransportBench;

/// <summary>The measured method: Echo returns the request payload, nothing else (no delay, no metadata).</summary>
public sealed class BenchEchoService : TestService.TestServiceBase
{
    private static long s_calls;

    /// <summary>Calls handled since start (read by the stats command).</summary>
    public static long Calls => Interlocked.Read(ref s_calls);

    public override Task<EchoReply> Echo(EchoRequest request, ServerCallContext context)
    {
        Interlocked.Increment(ref s_calls);
        return Task.FromResult(new EchoReply { Payload = request.Payload });
    }
}
