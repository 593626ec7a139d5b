using System.Text.Json;
using EnsembleGrpc.Router.Ensemble;

namespace EnsembleGrpc.Router.Configuration;

/// <summary>
/// Checks a <see cref="RoutingConfig"/> and returns every problem at once, each prefixed with where it is
/// (e.g. <c>ensembles[0].arms[1].weight</c>), so one edit-and-restart cycle fixes them all. Only the generic shape
/// is checked here; an arm's <c>parameters</c> are checked by its strategy when <see cref="RouterModelBuilder"/>
/// prepares the arm.
/// </summary>
public sealed class RoutingConfigValidator(AggregationStrategies strategies)
{
    public IReadOnlyList<string> Validate(RoutingConfig config)
    {
        var errors = new List<string>();
        Unknown(errors, "", config.UnknownKeys);
        if (config.Ensembles is null || config.Ensembles.Count == 0)
        {
            errors.Add("ensembles: at least one ensemble is required.");
            return errors;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int e = 0; e < config.Ensembles.Count; e++)
        {
            var ensemble = config.Ensembles[e];
            string path = $"ensembles[{e}]";
            if (ensemble is null)
            {
                errors.Add($"{path}: must be an object.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(ensemble.Name))
            {
                errors.Add($"{path}.name: required (the virtual model name clients ask for).");
            }
            else if (!names.Add(ensemble.Name))
            {
                errors.Add($"{path}.name: '{ensemble.Name}' is used by another ensemble.");
            }

            ValidateEnsemble(errors, path, ensemble);
        }

        return errors;
    }

    private void ValidateEnsemble(List<string> errors, string path, EnsembleConfig ensemble)
    {
        Unknown(errors, path, ensemble.UnknownKeys);
        var memberNames = ValidateMembers(errors, path, ensemble.Members);

        if (ensemble.Quorum is { } quorum && quorum < 1)
        {
            errors.Add($"{path}.quorum: must be at least 1; got {quorum}.");
        }

        if (ensemble.MaxBatchSize is { } maxBatch && maxBatch < 1)
        {
            errors.Add($"{path}.max_batch_size: must be at least 1; got {maxBatch}.");
        }

        if (ensemble.TimeoutMs is { } timeout && timeout < 1)
        {
            errors.Add($"{path}.timeout_ms: must be at least 1; got {timeout}.");
        }

        int timeoutMs = ensemble.TimeoutMs ?? RoutingDefaults.TimeoutMs;
        if (ensemble.PartialAfterMs is { } partial && (partial < 1 || partial >= timeoutMs))
        {
            errors.Add($"{path}.partial_after_ms: must be at least 1 and below timeout_ms ({timeoutMs}); got {partial}.");
        }

        ValidateBreaker(errors, $"{path}.breaker", ensemble.Breaker);
        var armNames = ValidateArms(errors, path, ensemble, memberNames);
        ValidateShadow(errors, $"{path}.shadow", ensemble.Shadow, armNames);
        CanaryConfigRules.Validate(errors, $"{path}.canary", ensemble.Canary, armNames);
        BanditConfigRules.Validate(errors, $"{path}.bandit", ensemble);
    }

    private static HashSet<string> ValidateMembers(List<string> errors, string path, IReadOnlyList<MemberConfig>? members)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (members is null || members.Count == 0)
        {
            errors.Add($"{path}.members: at least one member is required.");
            return names;
        }

        for (int m = 0; m < members.Count; m++)
        {
            var member = members[m];
            string mp = $"{path}.members[{m}]";
            if (member is null)
            {
                errors.Add($"{mp}: must be an object.");
                continue;
            }

            Unknown(errors, mp, member.UnknownKeys);
            if (string.IsNullOrWhiteSpace(member.Name))
            {
                errors.Add($"{mp}.name: required (the member's name; also the model name on the workers unless \"model\" is given).");
            }
            else if (!names.Add(member.Name))
            {
                errors.Add($"{mp}.name: '{member.Name}' appears twice; list replicas under one member's endpoints.");
            }

            if (member.Model is not null && string.IsNullOrWhiteSpace(member.Model))
            {
                errors.Add($"{mp}.model: must not be empty (leave it out to use the member's name).");
            }

            if (member.Endpoints is null || member.Endpoints.Count == 0)
            {
                errors.Add($"{mp}.endpoints: at least one worker address is required, e.g. \"http://127.0.0.1:8001\".");
            }
            else
            {
                for (int i = 0; i < member.Endpoints.Count; i++)
                {
                    string? endpoint = member.Endpoints[i];
                    if (!IsWorkerAddress(endpoint))
                    {
                        errors.Add($"{mp}.endpoints[{i}]: '{endpoint}' is neither an absolute http(s) address nor dns:///host:port.");
                    }
                }

                if (member.Endpoints.Distinct(StringComparer.OrdinalIgnoreCase).Count() != member.Endpoints.Count)
                {
                    errors.Add($"{mp}.endpoints: an address is listed twice.");
                }
            }

            if (member.ValidationError is { } error && !(error > 0 && error < 1))
            {
                errors.Add($"{mp}.validation_error: must be in (0, 1); got {error}.");
            }

            if (member.ValidationAccuracy is { } accuracy && !(accuracy >= 0 && accuracy <= 1))
            {
                errors.Add($"{mp}.validation_accuracy: must be in [0, 1]; got {accuracy}.");
            }
        }

        return names;
    }

    private HashSet<string> ValidateArms(List<string> errors, string path, EnsembleConfig ensemble, HashSet<string> memberNames)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var arms = ensemble.Arms;
        if (arms is null || arms.Count == 0)
        {
            errors.Add($"{path}.arms: at least one arm is required.");
            return names;
        }

        long totalWeight = 0;
        int quorum = ensemble.Quorum ?? RoutingDefaults.Quorum;
        for (int a = 0; a < arms.Count; a++)
        {
            var arm = arms[a];
            string ap = $"{path}.arms[{a}]";
            if (arm is null)
            {
                errors.Add($"{ap}: must be an object.");
                continue;
            }

            Unknown(errors, ap, arm.UnknownKeys);
            if (string.IsNullOrWhiteSpace(arm.Name))
            {
                errors.Add($"{ap}.name: required.");
            }
            else if (!names.Add(arm.Name))
            {
                errors.Add($"{ap}.name: '{arm.Name}' is used by another arm.");
            }

            string? strategy = arm.Strategy;
            if (string.IsNullOrWhiteSpace(strategy) || !strategies.TryGet(strategy, out _))
            {
                errors.Add($"{ap}.strategy: '{strategy}' is not one of {string.Join(", ", strategies.Names)}.");
            }

            if (arm.Parameters is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) } parameters)
            {
                errors.Add($"{ap}.parameters: must be an object; got {parameters.ValueKind.ToString().ToLowerInvariant()}.");
            }

            int weight = arm.Weight ?? RoutingDefaults.Weight;
            if (weight < 0)
            {
                errors.Add($"{ap}.weight: must be 0 or more; got {weight}.");
            }
            else
            {
                totalWeight += weight;
            }

            int memberCount = memberNames.Count;
            if (arm.Members is not null)
            {
                memberCount = arm.Members.Count;
                if (arm.Members.Count == 0)
                {
                    errors.Add($"{ap}.members: when given, at least one member is required (leave it out for every member).");
                }

                foreach (var name in arm.Members.Where(n => !memberNames.Contains(n)))
                {
                    errors.Add($"{ap}.members: '{name}' is not a member of the ensemble.");
                }

                if (arm.Members.Distinct(StringComparer.Ordinal).Count() != arm.Members.Count)
                {
                    errors.Add($"{ap}.members: a member is listed twice.");
                }
            }

            if (memberCount > 0 && quorum > memberCount)
            {
                errors.Add($"{path}.quorum: {quorum} is more than the {memberCount} members of arm '{arm.Name}', which could never answer.");
            }
        }

        if (totalWeight <= 0)
        {
            errors.Add($"{path}.arms: the weights must sum to more than 0.");
        }
        else if (totalWeight > int.MaxValue)
        {
            errors.Add($"{path}.arms: the weights sum to more than {int.MaxValue}.");
        }

        return names;
    }

    private static void ValidateBreaker(List<string> errors, string path, BreakerConfig? breaker)
    {
        if (breaker is null)
        {
            return;
        }

        Unknown(errors, path, breaker.UnknownKeys);
        if (breaker.FailureRatio is { } ratio && !(ratio > 0 && ratio <= 1))
        {
            errors.Add($"{path}.failure_ratio: must be in (0, 1]; got {ratio}.");
        }

        if (breaker.MinimumThroughput is { } throughput && throughput < 2)
        {
            errors.Add($"{path}.minimum_throughput: must be at least 2; got {throughput}.");
        }

        if (breaker.SamplingDurationMs is { } sampling && sampling < RoutingDefaults.MinimumSamplingDurationMs)
        {
            errors.Add($"{path}.sampling_duration_ms: must be at least {RoutingDefaults.MinimumSamplingDurationMs}; got {sampling}.");
        }

        if (breaker.BreakDurationMs is { } brk && brk < RoutingDefaults.MinimumBreakDurationMs)
        {
            errors.Add($"{path}.break_duration_ms: must be at least {RoutingDefaults.MinimumBreakDurationMs}; got {brk}.");
        }
    }

    private static void ValidateShadow(List<string> errors, string path, ShadowConfig? shadow, HashSet<string> armNames)
    {
        if (shadow is null)
        {
            return;
        }

        Unknown(errors, path, shadow.UnknownKeys);
        if (string.IsNullOrWhiteSpace(shadow.Arm))
        {
            errors.Add($"{path}.arm: required (the name of one of the ensemble's arms).");
        }
        else if (!armNames.Contains(shadow.Arm))
        {
            errors.Add($"{path}.arm: '{shadow.Arm}' is not an arm of the ensemble.");
        }

        if (shadow.SamplePercent is { } percent && !(percent >= 0 && percent <= 100))
        {
            errors.Add($"{path}.sample_percent: must be in [0, 100]; got {percent}.");
        }

        if (shadow.QueueCapacity is { } capacity && capacity < 1)
        {
            errors.Add($"{path}.queue_capacity: must be at least 1; got {capacity}.");
        }

        if (shadow.Concurrency is { } concurrency && concurrency < 1)
        {
            errors.Add($"{path}.concurrency: must be at least 1; got {concurrency}.");
        }
    }

    /// <summary>
    /// An absolute http(s) address, or <c>dns:///host:port</c>: a name resolved by the channel's DNS resolver, whose
    /// addresses (e.g. every pod of a Kubernetes headless Service) are balanced round-robin. The form with a DNS server
    /// (<c>dns://server/host:port</c>) is not accepted: the channel would ignore the server.
    /// </summary>
    private static bool IsWorkerAddress(string? endpoint)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
        {
            return false;
        }

        if (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        {
            return true;
        }

        const string dnsPrefix = "dns:///";
        if (!endpoint!.StartsWith(dnsPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string hostPort = endpoint[dnsPrefix.Length..];
        int colon = hostPort.LastIndexOf(':');
        return colon > 0
            && Uri.CheckHostName(hostPort[..colon].Trim('[', ']')) != UriHostNameType.Unknown
            && int.TryParse(hostPort[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int port)
            && port is >= 1 and <= 65535;
    }

    private static void Unknown(List<string> errors, string path, Dictionary<string, JsonElement>? unknown)
    {
        if (unknown is null)
        {
            return;
        }

        foreach (var key in unknown.Keys)
        {
            errors.Add($"{(path.Length == 0 ? "" : path + ".")}{key}: unknown key.");
        }
    }
}
