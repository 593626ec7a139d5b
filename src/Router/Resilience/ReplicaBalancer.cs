namespace EnsembleGrpc.Router.Resilience;

/// <summary>
/// Power of two choices over a member's available replicas (breaker not open, not ejected as an outlier): pick two at
/// random and take the one with fewer calls in flight. When no replica is available, all are candidates ("healthy or panic", as YARP): their breakers then answer
/// fast, and a replica that has recovered gets its probe.
/// </summary>
public static class ReplicaBalancer
{
    public static EndpointState Pick(IReadOnlyList<EndpointState> replicas, Random random)
    {
        if (replicas.Count == 1)
        {
            return replicas[0];
        }

        Span<int> healthy = replicas.Count <= 64 ? stackalloc int[replicas.Count] : new int[replicas.Count];
        int count = 0;
        for (int i = 0; i < replicas.Count; i++)
        {
            if (replicas[i].IsAvailable)
            {
                healthy[count++] = i;
            }
        }

        if (count == 0)
        {
            for (int i = 0; i < replicas.Count; i++)
            {
                healthy[i] = i;
            }

            count = replicas.Count;
        }

        if (count == 1)
        {
            return replicas[healthy[0]];
        }

        int first = random.Next(count);
        int second = random.Next(count - 1);
        if (second >= first)
        {
            second++;
        }

        var a = replicas[healthy[first]];
        var b = replicas[healthy[second]];
        return b.InFlight < a.InFlight ? b : a;
    }
}
