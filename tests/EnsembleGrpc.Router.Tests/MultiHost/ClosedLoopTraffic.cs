using System.Collections.Concurrent;
using System.Diagnostics;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Tests.Functional;
using Grpc.Core;

namespace EnsembleGrpc.Router.Tests.MultiHost;

/// <summary>A fixed number of requests from a few callers back to back; every request's fate is kept, none is dropped.</summary>
internal static class ClosedLoopTraffic
{
    public const int Callers = 4;

    public static async Task<IReadOnlyList<CallOutcome>> RunAsync(GRPCInferenceService.GRPCInferenceServiceClient client, ModelInferRequest request, int count)
    {
        var outcomes = new ConcurrentQueue<CallOutcome>();
        int next = 0;
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= count)
            {
                outcomes.Enqueue(await CallAsync(client, request));
            }
        })));
        return [.. outcomes];
    }

    private static async Task<CallOutcome> CallAsync(GRPCInferenceService.GRPCInferenceServiceClient client, ModelInferRequest request)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            // A deadline well past the ensemble's timeout: only a router that hangs would reach it.
            var response = await client.ModelInferAsync(request, deadline: DateTime.UtcNow.AddSeconds(10));
            return new CallOutcome(InferenceCalls.Fallback(response), null, InferenceCalls.Str(response, "fallback_reason"), watch.Elapsed.TotalMilliseconds);
        }
        catch (RpcException ex)
        {
            return new CallOutcome(false, ex.StatusCode.ToString(), ex.Status.Detail, watch.Elapsed.TotalMilliseconds);
        }
    }
}
