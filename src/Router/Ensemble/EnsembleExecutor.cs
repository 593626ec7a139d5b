using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;

namespace EnsembleGrpc.Router.Ensemble;

/// <summary>
/// Runs one request through an arm: fan out, validate every output, aggregate with the arm's strategy, and fall back
/// to bagging over the members that answered when the strategy cannot complete, as long as the quorum answered.
/// </summary>
public sealed class EnsembleExecutor(FanOutExecutor fanOut, AggregationStrategies strategies)
{
    public const string StrategyFailedCategory = "strategy_failed";

    public async Task<EnsembleResult> ExecuteAsync(EnsembleModel ensemble, ArmModel arm, ModelInput input, CallLane lane, CancellationToken cancellationToken)
    {
        var outcomes = await fanOut.ExecuteAsync(arm.Members, ensemble, input, lane, cancellationToken).ConfigureAwait(false);
        return Aggregate(ensemble, arm, input.BatchSize, outcomes, cancellationToken.IsCancellationRequested);
    }

    /// <summary>The decision part, separate from the calls so that it is tested on hand-made outcomes.</summary>
    public EnsembleResult Aggregate(EnsembleModel ensemble, ArmModel arm, int batchSize, IReadOnlyList<MemberOutcome> rawOutcomes, bool callerCancelled)
    {
        var outcomes = new MemberOutcome[rawOutcomes.Count];
        var answered = new List<KeyValuePair<string, float[]>>(rawOutcomes.Count);
        for (int i = 0; i < rawOutcomes.Count; i++)
        {
            var outcome = rawOutcomes[i];
            if (outcome.Succeeded)
            {
                string? invalid = OutputValidator.Validate(outcome.Probabilities, batchSize);
                if (invalid is not null)
                {
                    outcome = outcome with { Probabilities = null, Failure = MemberFailureKind.InvalidOutput, Error = invalid };
                }
                else
                {
                    answered.Add(new(outcome.Member, outcome.Probabilities!));
                }
            }

            outcomes[i] = outcome;
        }

        if (callerCancelled)
        {
            return new EnsembleResult { Kind = EnsembleResultKind.Cancelled, Outcomes = outcomes, MembersAnswered = answered.Count };
        }

        // Every member gets the same input: a member that blamed the request speaks for all of them.
        if (outcomes.FirstOrDefault(o => o.Failure.IsCallerBlamed()) is { } rejected)
        {
            return new EnsembleResult
            {
                Kind = EnsembleResultKind.Rejected,
                Outcomes = outcomes,
                MembersAnswered = answered.Count,
                Message = $"ensemble '{ensemble.Name}': member '{rejected.Member}' rejected the request: {rejected.Error}",
            };
        }

        string detail;
        IReadOnlyList<string> categories;
        if (answered.Count == outcomes.Length)
        {
            if (!strategies.TryGet(arm.Strategy, out var strategy))
            {
                // The validator rejects unknown names; this only guards a registration mismatch.
                detail = $"strategy '{arm.Strategy}' is not registered";
            }
            else
            {
                var result = strategy.Aggregate(new AggregationInput { Arm = arm, Outputs = answered, BatchSize = batchSize });
                if (result.Succeeded)
                {
                    return new EnsembleResult
                    {
                        Kind = EnsembleResultKind.Answered,
                        Probabilities = result.Probabilities,
                        Predictions = result.Predictions,
                        Strategy = strategy.Name,
                        MembersAnswered = answered.Count,
                        Outcomes = outcomes,
                    };
                }

                detail = result.FailureReason ?? "the strategy failed";
            }

            categories = [StrategyFailedCategory];
        }
        else
        {
            var failed = outcomes.Where(o => !o.Succeeded).ToArray();
            detail = string.Join("; ", failed.Select(o => o.Describe()));
            categories = failed.Select(o => o.Failure.ToKey()).Distinct().ToArray();
        }

        if (answered.Count < ensemble.Quorum || answered.Count == 0)
        {
            // The client learns which members failed and how, in codes; endpoints and the workers' words go to the logs.
            return new EnsembleResult
            {
                Kind = EnsembleResultKind.Unavailable,
                Outcomes = outcomes,
                MembersAnswered = answered.Count,
                Message = $"ensemble '{ensemble.Name}' arm '{arm.Name}': {answered.Count} of {outcomes.Length} members answered, quorum is {ensemble.Quorum} " +
                          $"({FallbackReasons.Of(outcomes, allAnswered: false)})",
                Detail = string.Join("; ", outcomes.Select(o => o.Describe())),
            };
        }

        var bagging = strategies.Bagging.Aggregate(new AggregationInput { Arm = arm, Outputs = answered, BatchSize = batchSize });
        return new EnsembleResult
        {
            Kind = EnsembleResultKind.Answered,
            Probabilities = bagging.Probabilities,
            Predictions = bagging.Predictions,
            Strategy = StrategyNames.Bagging,
            Fallback = true,
            FallbackReason = FallbackReasons.Of(outcomes, answered.Count == outcomes.Length),
            Detail = $"{arm.Strategy} could not complete: {detail}",
            FallbackCategories = categories,
            MembersAnswered = answered.Count,
            Outcomes = outcomes,
        };
    }
}
