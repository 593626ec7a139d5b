using System.Text.Json;
using System.Text.Json.Serialization;

namespace EnsembleGrpc.Router.Rollouts.Persistence;

/// <summary>How rollout state and evidence are written: snake_case like the routing file; NaN and ∞ as named literals (no data is not 0).</summary>
public static class RolloutJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)
        ?? throw new JsonException($"stored {typeof(T).Name} is null");
}
