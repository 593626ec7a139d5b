using System.Globalization;
using System.Text.Json;

namespace EnsembleGrpc.Router.Repository;

/// <summary>
/// Reads <c>&lt;repository&gt;/&lt;model&gt;/config.json</c> (the same files the workers load) for the metrics
/// that boosting and best need, a member's max_batch_size, and a stacking meta-model's member order and file.
/// </summary>
public static class ModelRepositoryReader
{
    /// <summary>The model's info, or null with <paramref name="error"/> saying why.</summary>
    public static RepositoryModelInfo? TryRead(string repository, string name, out string? error)
    {
        string folder = Path.Combine(repository, name);
        string configPath = Path.Combine(folder, "config.json");
        if (!File.Exists(configPath))
        {
            error = $"'{configPath}' does not exist";
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(configPath), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            var root = document.RootElement;
            double? validationError = null;
            double? validationAccuracy = null;
            if (root.TryGetProperty("training", out var training) && training.ValueKind == JsonValueKind.Object)
            {
                validationError = Number(training, "validation_error");
                validationAccuracy = Number(training, "validation_accuracy");
            }

            IReadOnlyList<string>? members = null;
            if (root.TryGetProperty("members", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                members = list.EnumerateArray().Select(e => e.GetString() ?? "").ToArray();
            }

            error = null;
            return new RepositoryModelInfo
            {
                Name = name,
                ValidationError = validationError,
                ValidationAccuracy = validationAccuracy,
                Members = members,
                MaxBatchSize = root.TryGetProperty("max_batch_size", out var maxBatch) && maxBatch.ValueKind == JsonValueKind.Number && maxBatch.TryGetInt32(out int m) && m > 0 ? m : null,
                InputName = TensorName(root, "inputs") ?? "input",
                OutputName = TensorName(root, "outputs") ?? "probabilities",
                ModelPath = LatestModel(folder),
            };
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            error = $"'{configPath}' cannot be read: {ex.Message}";
            return null;
        }
    }

    private static double? Number(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    private static string? TensorName(JsonElement root, string property)
    {
        if (root.TryGetProperty(property, out var tensors) && tensors.ValueKind == JsonValueKind.Array && tensors.GetArrayLength() > 0
            && tensors[0].TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
        {
            return name.GetString();
        }

        return null;
    }

    private static string? LatestModel(string folder)
    {
        // Version folders are numbers (Triton's layout); the highest one with a model.onnx serves.
        return Directory.EnumerateDirectories(folder)
            .Select(d => (Path: d, Ok: long.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out long v), Version: v))
            .Where(d => d.Ok && File.Exists(Path.Combine(d.Path, "model.onnx")))
            .OrderByDescending(d => d.Version)
            .Select(d => Path.Combine(d.Path, "model.onnx"))
            .FirstOrDefault();
    }
}
