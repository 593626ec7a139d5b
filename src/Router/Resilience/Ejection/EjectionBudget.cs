using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Resilience.Ejection;

/// <summary>
/// How many may be out at once, counted after the candidate's ejection (Envoy checked before, and so ejected all of 3
/// hosts at 67%: envoy#27066). A replica of a member with several: at most the share of its replicas, and never the
/// last one. A member's only endpoint: at most the share of the ensemble's members, and never so many that an arm
/// could no longer reach its quorum, counting as missing the members ejected and those with an endpoint that may fail
/// the next call (a run of failures begun, or a probe out): a partitioned replica of another member, still awaiting
/// its ejection or probing for readmission, takes that member from a request as surely as an ejection.
/// </summary>
public static class EjectionBudget
{
    public static bool Allows(MemberModel member, EnsembleModel ensemble, EndpointSettings settings, EndpointRegistry registry, int maxPercent)
    {
        if (member.Endpoints.Count > 1)
        {
            int out_ = member.Endpoints.Count(a => IsOut(a, settings, registry)) + 1;
            return out_ < member.Endpoints.Count && out_ * 100 <= maxPercent * member.Endpoints.Count;
        }

        var ejected = ensemble.Members.Where(m => m.Endpoints.All(a => IsOut(a, settings, registry))).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        ejected.Add(member.Name);
        if (ejected.Count * 100 > maxPercent * ensemble.Members.Count)
        {
            return false;
        }

        var missing = ensemble.Members.Where(m => ejected.Contains(m.Name) || m.Endpoints.Any(a => IsUnreliable(a, settings, registry)))
            .Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        missing.Add(member.Name);
        foreach (var arm in ensemble.Arms)
        {
            if (arm.Members.Any(m => m.Name == member.Name) && arm.Members.Count(m => !missing.Contains(m.Name)) < ensemble.Quorum)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsUnreliable(string address, EndpointSettings settings, EndpointRegistry registry) =>
        registry.Find(address, settings) is { } state && state.Ejection.IsUnreliable;

    private static bool IsOut(string address, EndpointSettings settings, EndpointRegistry registry) =>
        registry.Find(address, settings) is { } state && state.Ejection.IsEjected;
}
