using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Router.Frontend.Page;

/// <summary>
/// Checks what data annotations cannot: a <see cref="PageOptions.Root"/> the operator named must hold the page, so a
/// typo stops the start instead of serving 404s. The default folder is only checked when the page is served
/// (<see cref="PageAssets"/> logs its absence), so that a router built without the files still starts.
/// </summary>
public sealed class PageOptionsValidator : IValidateOptions<PageOptions>
{
    public ValidateOptionsResult Validate(string? name, PageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled || string.IsNullOrEmpty(options.Root))
        {
            return ValidateOptionsResult.Success;
        }

        return File.Exists(Path.Combine(options.ResolvedRoot, PageAssets.Index))
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Router:Page:Root '{options.Root}' does not hold the page ({PageAssets.Index} is missing).");
    }
}
