namespace EnsembleGrpc.InferenceServer.Repository;

/// <summary>What reading a model from the repository gave: a definition, or every reason it cannot be served.</summary>
public sealed record ModelDefinitionResult(ModelDefinition? Definition, IReadOnlyList<string> Errors)
{
    public static ModelDefinitionResult Failed(params string[] errors) => new(null, errors);
}
