namespace EnsembleGrpc.Router.Frontend;

/// <summary>
/// Request and response parameter names of the router (LoadGen and clients read these: keep them stable). None of
/// them is reserved by Triton (triton_*, sequence_id, priority, timeout, binary_data_output).
/// </summary>
public static class ResponseParameters
{
    /// <summary>Request: the strategy to use (overrides the split). Response: the strategy that produced the answer.</summary>
    public const string EnsembleStrategy = "ensemble_strategy";

    /// <summary>Request: UINT8 normalisation steps to skip (config/README.md, "Preprocessing").</summary>
    public const string PreprocessSkip = Preprocessing.PreprocessStepsParser.ParameterName;

    /// <summary>Request: the sticky routing key (also accepted as metadata <see cref="RoutingKeyHeader"/>).</summary>
    public const string RoutingKey = "routing_key";

    public const string RoutingKeyHeader = "x-routing-key";

    /// <summary>Response: whether the answer is the bagging fallback.</summary>
    public const string Fallback = "fallback";

    /// <summary>Response: why the chosen strategy could not complete; empty when no fallback.</summary>
    public const string FallbackReason = "fallback_reason";

    /// <summary>Response: how many members answered (int64).</summary>
    public const string MembersAnswered = "members_answered";

    /// <summary>Response: the serving arm, only when the ensemble's reveal_arm is on.</summary>
    public const string Arm = "arm";

    /// <summary>Output tensors of the virtual model.</summary>
    public const string ProbabilitiesOutput = "probabilities";

    public const string PredictionsOutput = "predictions";
}
