namespace EnsembleGrpc.Protocol.Rest;

/// <summary>One model in the answer of <c>POST /v2/repository/index</c> (Triton's REST repository extension).</summary>
public sealed record RestRepositoryIndexEntry(string Name, string Version, string State, string Reason)
{
    public static IReadOnlyList<RestRepositoryIndexEntry> From(RepositoryIndexResponse index)
    {
        ArgumentNullException.ThrowIfNull(index);
        return [.. index.Models.Select(m => new RestRepositoryIndexEntry(m.Name, m.Version, m.State, m.Reason))];
    }
}
