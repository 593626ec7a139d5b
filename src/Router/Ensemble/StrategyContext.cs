using System.Text.Json;
using EnsembleGrpc.Router.Model;

namespace EnsembleGrpc.Router.Ensemble;

/// <summary>What a strategy gets to prepare one arm: where the arm is in the file, its members, its raw parameters.</summary>
public sealed record StrategyContext
{
    /// <summary>The arm's place in the routing file, e.g. <c>ensembles[0].arms[1]</c>; every message starts with it.</summary>
    public required string Path { get; init; }

    /// <summary>The arm's members in arm order, with their validation metrics (from the file or the repository).</summary>
    public required IReadOnlyList<MemberModel> Members { get; init; }

    /// <summary>The arm's <c>parameters</c> object exactly as written; null when the arm has none.</summary>
    public JsonElement? Parameters { get; init; }

    /// <summary>The model repository's absolute path (member configs, meta-models).</summary>
    public required string ModelRepository { get; init; }

    public int Classes { get; init; } = OutputValidator.Classes;

    /// <summary>The path of the arm's parameters, e.g. <c>ensembles[0].arms[1].parameters</c>.</summary>
    public string ParametersPath => $"{Path}.parameters";
}
