namespace EnsembleGrpc.Router.Tests.Deploy;

/// <summary>A fact that is skipped, with the reason, where kubectl is not installed.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class KubectlFactAttribute : FactAttribute
{
    public KubectlFactAttribute()
    {
        if (Kubectl.Path is null)
        {
            Skip = Kubectl.SkipReason;
        }
    }
}
