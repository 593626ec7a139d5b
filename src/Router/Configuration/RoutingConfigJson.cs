using System.Text.Json;
using System.Text.Json.Serialization;

namespace EnsembleGrpc.Router.Configuration;

/// <summary>How the routing file is read and shown: snake_case keys, comments and trailing commas allowed.</summary>
public static class RoutingConfigJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    /// <summary>The config, or null with the parser's complaint (it stops at the first syntax error).</summary>
    public static RoutingConfig? TryParse(string json, out string? error)
    {
        try
        {
            var config = JsonSerializer.Deserialize<RoutingConfig>(json, Options);
            error = config is null ? "the file holds null, not an object" : null;
            return config;
        }
        catch (JsonException ex)
        {
            error = $"invalid JSON: {ex.Message}";
            return null;
        }
    }

    /// <summary>A rollout's settings (RouterAdmin.StartRollout), or null with the parser's complaint.</summary>
    public static CanaryConfig? TryParseCanary(string json, out string? error)
    {
        try
        {
            var canary = JsonSerializer.Deserialize<CanaryConfig>(string.IsNullOrWhiteSpace(json) ? "{}" : json, Options);
            error = canary is null ? "null, not an object" : null;
            return canary;
        }
        catch (JsonException ex)
        {
            error = $"invalid JSON: {ex.Message}";
            return null;
        }
    }

    /// <summary>The config as JSON for the admin service; the admin token is never shown.</summary>
    public static string Serialize(RoutingConfig config) => JsonSerializer.Serialize(config with { AdminToken = config.AdminToken is null ? null : "***" }, Options);
}
