namespace EnsembleGrpc.InferenceServer.Faults;

/// <summary>Parses the comma-separated model list that scopes faults.</summary>
public static class FaultScope
{
    public static IReadOnlySet<string> Parse(string? models)
        => (models ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
}
