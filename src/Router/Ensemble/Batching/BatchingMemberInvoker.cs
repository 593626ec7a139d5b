using System.Collections.Concurrent;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Ensemble.Batching;

/// <summary>
/// Micro-batches member calls (<see cref="MemberBatchingOptions"/>) in front of the invoker that calls the workers:
/// one <see cref="MemberBatchQueue"/> per member model, replicas, settings and lane. The shadow lane has fewer call
/// slots, a bounded queue, and yields to the primary: its copies are shed while primary requests for the same member
/// wait. Queues live for the process (a handful per member; a reload with new settings adds new ones).
/// </summary>
public sealed class BatchingMemberInvoker(IMemberInvoker inner, IOptions<MemberBatchingOptions> options, TimeProvider timeProvider) : IMemberInvoker
{
    private readonly MemberBatchingOptions _options = options.Value;
    private readonly ConcurrentDictionary<BatchKey, MemberBatchQueue> _queues = new();

    public Task<MemberOutcome> InvokeAsync(MemberModel member, EnsembleModel ensemble, ModelInput input, CallLane lane, CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return inner.InvokeAsync(member, ensemble, input, lane, cancellationToken);
        }

        var queue = Queue(BatchKey.Of(member, ensemble, lane), member.Endpoints.Count);
        return queue.InvokeAsync(new PendingCall(member, ensemble, input, cancellationToken) { Enqueued = timeProvider.GetTimestamp() });
    }

    private MemberBatchQueue Queue(BatchKey key, int replicas) =>
        _queues.TryGetValue(key, out var queue) ? queue : _queues.GetOrAdd(key, Create, replicas);

    private MemberBatchQueue Create(BatchKey key, int replicas)
    {
        if (key.Lane == CallLane.Primary)
        {
            return new MemberBatchQueue(inner, key, _options.MaxCallsInFlight * replicas, int.MaxValue, yieldTo: null, timeProvider);
        }

        var primary = Queue(key with { Lane = CallLane.Primary }, replicas);
        return new MemberBatchQueue(inner, key, _options.ShadowMaxCallsInFlight * replicas, _options.ShadowQueueBatches * key.MaxRows,
            yieldTo: () => primary.Waiting > 0, timeProvider);
    }
}
