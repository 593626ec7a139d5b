namespace EnsembleGrpc.Router.Tests.MultiHost;

/// <summary>A fact that is skipped, saying why, where network namespaces cannot be created (not root, no iproute2).</summary>
public sealed class NetnsFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Reason = new(NetnsTopology.Unsupported);

    public NetnsFactAttribute()
    {
        if (Reason.Value is { } reason)
        {
            Skip = "network namespaces unavailable: " + reason;
        }
    }
}
