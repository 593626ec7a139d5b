namespace EnsembleGrpc.Router.Tests.Page;

/// <summary>A fact that needs a real browser: skipped, with the reason, where chromium is not installed.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (Chromium.Path is null)
        {
            Skip = Chromium.SkipReason;
        }
    }
}
