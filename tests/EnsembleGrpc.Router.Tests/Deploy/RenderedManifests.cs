using System.Text.Json.Nodes;
using EnsembleGrpc.Router.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace EnsembleGrpc.Router.Tests.Deploy;

/// <summary>
/// The objects <c>kubectl kustomize deploy/k8s</c> renders, as JSON nodes (every scalar a string), rendered once per
/// test run.
/// </summary>
internal sealed class RenderedManifests
{
    private static readonly Lazy<RenderedManifests> Rendered = new(() => new RenderedManifests(Kubectl.Kustomize(Directory)));

    private RenderedManifests(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        Objects = stream.Documents.Select(d => ToJson(d.RootNode)).OfType<JsonObject>().ToList();
    }

    public static string Directory => Path.Combine(RepoPaths.Root, "deploy", "k8s");

    public static RenderedManifests Instance => Rendered.Value;

    public IReadOnlyList<JsonObject> Objects { get; }

    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => (string?)o["kind"] == kind);

    public JsonObject Single(string kind, string name) => Assert.Single(OfKind(kind), o => Name(o) == name);

    public static string Name(JsonObject o) => (string)o["metadata"]!["name"]!;

    public static string? Namespace(JsonObject o) => (string?)o["metadata"]!["namespace"];

    public static JsonObject PodLabels(JsonObject deployment) => deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();

    public static IEnumerable<JsonObject> Containers(JsonObject deployment) =>
        deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Select(c => c!.AsObject());

    public static IReadOnlyList<string> Args(JsonObject container) => container["args"]?.AsArray().Select(a => (string)a!).ToList() ?? [];

    /// <summary>The value after <paramref name="option"/> in <paramref name="args"/>, or null.</summary>
    public static string? Arg(IReadOnlyList<string> args, string option)
    {
        int i = args.ToList().IndexOf(option);
        return i >= 0 && i + 1 < args.Count ? args[i + 1] : null;
    }

    /// <summary>Whether every label of <paramref name="selector"/> is on <paramref name="labels"/> with the same value.</summary>
    public static bool Selects(JsonObject selector, JsonObject labels) =>
        selector.Count > 0 && selector.All(kv => labels.TryGetPropertyValue(kv.Key, out var v) && (string?)v == (string?)kv.Value);

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, ToJson(kv.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => scalar.Value is null ? null : JsonValue.Create(scalar.Value),
        _ => throw new InvalidDataException($"unexpected YAML node {node.NodeType}"),
    };
}
