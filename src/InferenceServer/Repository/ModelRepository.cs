using System.Globalization;
using System.Text.Json;

namespace EnsembleGrpc.InferenceServer.Repository;

/// <summary>
/// The on-disk model repository in Triton's layout: <c>&lt;root&gt;/&lt;name&gt;/config.json</c> plus numbered
/// version directories <c>&lt;root&gt;/&lt;name&gt;/&lt;version&gt;/model.onnx</c>. Reads and validates; loads nothing.
/// </summary>
public sealed class ModelRepository
{
    public const string ConfigFileName = "config.json";

    public const string ModelFileName = "model.onnx";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public ModelRepository(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    /// <summary>Reads, parses and validates one model's configuration and picks its latest version.</summary>
    public ModelDefinitionResult Read(string name)
    {
        var directory = Path.Combine(Root, name);
        if (!Directory.Exists(directory))
        {
            return ModelDefinitionResult.Failed($"model directory '{directory}' does not exist");
        }

        var configPath = Path.Combine(directory, ConfigFileName);
        if (!File.Exists(configPath))
        {
            return ModelDefinitionResult.Failed($"'{configPath}' does not exist");
        }

        ModelConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<ModelConfig>(File.ReadAllText(configPath), JsonOptions);
        }
        catch (JsonException ex)
        {
            return ModelDefinitionResult.Failed($"'{configPath}' is not valid: {ex.Message}");
        }

        if (config is null)
        {
            return ModelDefinitionResult.Failed($"'{configPath}' is empty");
        }

        var errors = ModelConfigValidator.Validate(config, name).Select(e => $"{configPath}: {e}").ToList();
        var version = LatestVersion(directory);
        if (version is null)
        {
            errors.Add($"'{directory}' has no version directory holding {ModelFileName}");
        }

        return errors.Count > 0 || version is null
            ? new ModelDefinitionResult(null, errors)
            : new ModelDefinitionResult(new ModelDefinition(config, version, Path.Combine(directory, version, ModelFileName)), []);
    }

    private static string? LatestVersion(string directory)
    {
        long best = -1;
        string? bestName = null;
        foreach (var candidate in Directory.EnumerateDirectories(directory))
        {
            var name = Path.GetFileName(candidate);
            if (long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > best
                && File.Exists(Path.Combine(candidate, ModelFileName)))
            {
                best = number;
                bestName = name;
            }
        }

        return bestName;
    }
}
