namespace EnsembleGrpc.Router.Configuration;

/// <summary>Every problem of an ensemble's <see cref="BanditConfig"/>, each with its path.</summary>
public static class BanditConfigRules
{
    public static void Validate(List<string> errors, string path, EnsembleConfig ensemble)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(ensemble);
        if (ensemble.Bandit is not { } bandit)
        {
            return;
        }

        foreach (var key in bandit.UnknownKeys?.Keys ?? Enumerable.Empty<string>())
        {
            errors.Add($"{path}.{key}: unknown key.");
        }

        if (ensemble.Canary is not null)
        {
            errors.Add($"{path}: an ensemble has a bandit or a canary, not both (each owns the split).");
        }

        int arms = Math.Max(1, ensemble.Arms?.Count ?? 1);
        if (bandit.MinShare is { } floor && !(floor >= 0 && floor * arms < 1))
        {
            errors.Add($"{path}.min_share: must be 0 or more and below 1/{arms} (one share per arm); got {floor}.");
        }

        if (bandit.MaxStep is { } step && !(step > 0 && step <= 1))
        {
            errors.Add($"{path}.max_step: must be above 0 and at most 1; got {step}.");
        }

        if (bandit.MinRowsPerArm is { } rows && rows < 0)
        {
            errors.Add($"{path}.min_rows_per_arm: must be 0 or more; got {rows}.");
        }
    }
}
