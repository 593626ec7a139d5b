using System.Text.Json;
using System.Text.Json.Nodes;

namespace InferenceBench;

/// <summary>
/// The router's routing file for the benchmark: the committed config/routing.json with each member's endpoint set
/// to the port its benchmark worker got, the repository path made absolute, the shadow arm removed (it would add
/// sampled extra fan-outs to the measured load) and hot reload off.
/// </summary>
internal static class RouterConfig
{
    public const string Ensemble = "mnist";

    public static string Write(string repoRoot, IReadOnlyDictionary<string, Uri> workers, string path)
    {
        var source = Path.Combine(repoRoot, "config", "routing.json");
        var root = JsonNode.Parse(File.ReadAllText(source), documentOptions: new JsonDocumentOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        })?.AsObject() ?? throw new InvalidDataException($"{source} is empty");
        root["model_repository"] = Path.Combine(repoRoot, "models");
        var ensembles = root["ensembles"]?.AsArray() ?? throw new InvalidDataException($"{source} has no ensembles");
        var ensemble = ensembles.OfType<JsonObject>().FirstOrDefault(e => (string?)e["name"] == Ensemble)
            ?? throw new InvalidDataException($"{source} has no ensemble '{Ensemble}'");
        ensemble = ensemble.DeepClone().AsObject();
        root["ensembles"] = new JsonArray(ensemble);
        ensemble.Remove("shadow");
        foreach (var member in ensemble["members"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            var name = (string?)member["model"] ?? (string?)member["name"] ?? string.Empty;
            if (!workers.TryGetValue(name, out var endpoint))
            {
                throw new InvalidDataException($"{source}: member '{name}' has no benchmark worker (workers: {string.Join(", ", workers.Keys)})");
            }

            member["endpoints"] = new JsonArray(endpoint.ToString().TrimEnd('/'));
        }

        File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }
}
