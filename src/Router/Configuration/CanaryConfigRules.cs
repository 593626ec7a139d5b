namespace EnsembleGrpc.Router.Configuration;

/// <summary>
/// Every problem of a <see cref="CanaryConfig"/> against its ensemble's arms, each with its path; used by the routing
/// file's validator and by RouterAdmin.StartRollout alike, so both refuse the same things with the same words.
/// </summary>
public static class CanaryConfigRules
{
    public static void Validate(List<string> errors, string path, CanaryConfig? canary, IReadOnlyCollection<string> armNames)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (canary is null)
        {
            return;
        }

        foreach (var key in canary.UnknownKeys?.Keys ?? Enumerable.Empty<string>())
        {
            errors.Add($"{path}.{key}: unknown key.");
        }

        Arm(errors, $"{path}.baseline", canary.Baseline, armNames);
        Arm(errors, $"{path}.candidate", canary.Candidate, armNames);
        if (canary.Baseline is not null && canary.Baseline == canary.Candidate)
        {
            errors.Add($"{path}.candidate: must not be the baseline arm.");
        }

        ValidateSteps(errors, $"{path}.steps", canary.Steps);
        Positive(errors, $"{path}.min_step_seconds", canary.MinStepSeconds, allowZero: true);
        Positive(errors, $"{path}.min_samples", canary.MinSamples, allowZero: false);
        Positive(errors, $"{path}.burn_in", canary.BurnIn, allowZero: true);
        if (canary.Test is not null and not (CanaryDefaults.SequentialTest or CanaryDefaults.FixedTest))
        {
            errors.Add($"{path}.test: must be \"{CanaryDefaults.SequentialTest}\" or \"{CanaryDefaults.FixedTest}\"; got \"{canary.Test}\".");
        }

        Probability(errors, $"{path}.alpha", canary.Alpha, 0.5);
        Probability(errors, $"{path}.tau", canary.Tau, 1);
        Probability(errors, $"{path}.srm_threshold", canary.SrmThreshold, 0.5);
        ValidateGuardrails(errors, $"{path}.guardrails", canary.Guardrails);
    }

    private static void ValidateGuardrails(List<string> errors, string path, CanaryGuardrailsConfig? guardrails)
    {
        if (guardrails is null)
        {
            return;
        }

        foreach (var key in guardrails.UnknownKeys?.Keys ?? Enumerable.Empty<string>())
        {
            errors.Add($"{path}.{key}: unknown key.");
        }

        Margin(errors, $"{path}.error_rate_margin", guardrails.ErrorRateMargin, 1);
        Margin(errors, $"{path}.fallback_rate_margin", guardrails.FallbackRateMargin, 1);
        Margin(errors, $"{path}.accuracy_delta", guardrails.AccuracyDelta, 1);
        Margin(errors, $"{path}.latency_relative_margin", guardrails.LatencyRelativeMargin, 100);
        Probability(errors, $"{path}.agreement_floor", guardrails.AgreementFloor, 1);
        if (guardrails.LatencyP95Ms is { } bound && !(bound > 0))
        {
            errors.Add($"{path}.latency_p95_ms: must be above 0; got {bound}.");
        }

        foreach (var name in guardrails.Disabled ?? [])
        {
            if (!CanaryDefaults.GuardrailNames.Contains(name))
            {
                errors.Add($"{path}.disabled: unknown guardrail '{name}'; guardrails: {string.Join(", ", CanaryDefaults.GuardrailNames)}.");
            }
        }
    }

    private static void ValidateSteps(List<string> errors, string path, IReadOnlyList<int>? steps)
    {
        if (steps is null)
        {
            return;
        }

        if (steps.Count == 0)
        {
            errors.Add($"{path}: at least one step is required.");
        }

        if (steps.Count > 0 && steps[0] >= 100)
        {
            errors.Add($"{path}[0]: the first step must be below 100 (the candidate is compared with a baseline that still gets traffic).");
        }

        for (int i = 0; i < steps.Count; i++)
        {
            if (steps[i] is < 1 or > 100)
            {
                errors.Add($"{path}[{i}]: must be a percentage from 1 to 100; got {steps[i]}.");
            }
            else if (i > 0 && steps[i] <= steps[i - 1])
            {
                errors.Add($"{path}[{i}]: steps must increase; {steps[i]} follows {steps[i - 1]}.");
            }
        }
    }

    private static void Arm(List<string> errors, string path, string? arm, IReadOnlyCollection<string> armNames)
    {
        if (string.IsNullOrWhiteSpace(arm))
        {
            errors.Add($"{path}: required (an arm of this ensemble).");
        }
        else if (!armNames.Contains(arm))
        {
            errors.Add($"{path}: arm '{arm}' does not exist; arms: {string.Join(", ", armNames)}.");
        }
    }

    private static void Positive(List<string> errors, string path, int? value, bool allowZero)
    {
        if (value is { } v && (v < 0 || (!allowZero && v == 0)))
        {
            errors.Add($"{path}: must be {(allowZero ? "0 or more" : "at least 1")}; got {v}.");
        }
    }

    private static void Probability(List<string> errors, string path, double? value, double max)
    {
        if (value is { } v && !(v > 0 && v < max))
        {
            errors.Add($"{path}: must be above 0 and below {max}; got {v}.");
        }
    }

    private static void Margin(List<string> errors, string path, double? value, double max)
    {
        if (value is { } v && !(v >= 0 && v < max))
        {
            errors.Add($"{path}: must be 0 or more and below {max}; got {v}.");
        }
    }
}
