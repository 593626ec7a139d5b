using Grpc.Core;
using EnsembleGrpc.Interop.Tests.Protos;

namespace TransportBench.Server;

/// <summary>The measured method: Echo returns the request payload, nothing else (no delay, no metadata).</summary>
public sealed class BenchEchoService : TestService.TestServiceBase
{
    private static long s_calls;

    /// <summary>Calls handled since start (read by the stats command; h2load's successes are checked against it).</summary>
    public static long Calls => Interlocked.Read(ref s_calls);

    public override Task<EchoReply> Echo(EchoRequest request, ServerCallContext context)
    {
        Interlocked.Increment(ref s_calls);
        return Task.FromResult(new EchoReply { Payload = request.Payload });
    }
}
