using System.Text.Json;
using System.Text.Json.Nodes;

namespace InferenceBench;

/// <summary>
/// The router's routing file for the benchmark: the committed config/routing.json with each member's endpoint set
/// to the port its benchmark worker got, the repository path made absolute and the shadow arm removed (it would add
/// sampled extra fan-outs to the measured load). The open-loop part rewrites the file with one shadow setting at a
/// time (<see cref="Apply"/>); the router hot-reloads it, and the driver checks through RouterAdmin that it did.
/// A second ensemble, <see cref="OneMemberEnsemble"/>, holds the first member alone: a request to it pays the router's
/// own hop without the fan-out, which splits the router's overhead over one worker into its two parts.
/// </summary>
internal sealed class RouterConfig
{
    public const string Ensemble = "mnist";

    /// <summary>The first member of <see cref="Ensemble"/> alone, one bagging arm, on the same worker.</summary>
    public const string OneMemberEnsemble = "mnist_one";

    /// <summary>Shadow kind "vote": the primary's members, another strategy.</summary>
    public const string SameMembersArm = "bench_shadow_vote";

    /// <summary>Shadow kind "members": member entries of its own (name + suffix) on the same worker endpoints.</summary>
    public const string OtherMembersArm = "bench_shadow_members";

    public const string OtherMemberSuffix = "_shadow";

    private readonly JsonObject _root;
    private readonly JsonObject? _committedShadow;

    private RouterConfig(JsonObject root, JsonObject? committedShadow, string path)
    {
        _root = root;
        _committedShadow = committedShadow;
        Path = path;
    }

    public string Path { get; }

    /// <summary>The ensemble's breaker.break_duration_ms (the router's default, 5 s, when the file has none).</summary>
    public TimeSpan BreakDuration => TimeSpan.FromMilliseconds(
        (double?)_root["ensembles"]?.AsArray().OfType<JsonObject>().FirstOrDefault()?["breaker"]?["break_duration_ms"] ?? 5000);

    /// <summary>Builds the benchmark's routing file from the committed one and writes it with no shadow.</summary>
    public static RouterConfig Create(string repoRoot, IReadOnlyDictionary<string, Uri> workers, string path)
    {
        var source = System.IO.Path.Combine(repoRoot, "config", "routing.json");
        var root = JsonNode.Parse(File.ReadAllText(source), documentOptions: new JsonDocumentOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        })?.AsObject() ?? throw new InvalidDataException($"{source} is empty");
        root["model_repository"] = System.IO.Path.Combine(repoRoot, "models");
        var ensembles = root["ensembles"]?.AsArray() ?? throw new InvalidDataException($"{source} has no ensembles");
        var ensemble = ensembles.OfType<JsonObject>().FirstOrDefault(e => (string?)e["name"] == Ensemble)
            ?? throw new InvalidDataException($"{source} has no ensemble '{Ensemble}'");
        ensemble = ensemble.DeepClone().AsObject();
        var committedShadow = ensemble["shadow"]?.DeepClone() as JsonObject;
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

        root["ensembles"] = new JsonArray(ensemble, OneMember(ensemble));
        var config = new RouterConfig(root, committedShadow, path);
        config.Apply(ShadowSetting.None);
        return config;
    }

    /// <summary>The ensemble's settings with its first member alone and one bagging arm.</summary>
    private static JsonObject OneMember(JsonObject ensemble)
    {
        var one = ensemble.DeepClone().AsObject();
        one["name"] = OneMemberEnsemble;
        one["quorum"] = 1;
        one["members"] = new JsonArray(one["members"]!.AsArray().First()!.DeepClone());
        one["arms"] = new JsonArray(new JsonObject { ["name"] = "bagging", ["strategy"] = "bagging", ["weight"] = 100 });
        return one;
    }

    /// <summary>
    /// Writes the file for <paramref name="setting"/>: a temporary file renamed over the old one, so the router never
    /// reads half a file.
    /// </summary>
    public void Apply(ShadowSetting setting)
    {
        var text = Variant(setting).ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        var temporary = Path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, Path, overwrite: true);
    }

    /// <summary>Writes the same file in place (a second chance for a watcher that missed the rename).</summary>
    public void Touch() => File.WriteAllText(Path, File.ReadAllText(Path));

    /// <summary>
    /// The routing document for a setting. Both shadow arms have weight 0 (only the shadow and explicit requests reach
    /// them); with the "members" kind every other arm lists the primary members explicitly, since an arm without a
    /// member list would take every member, the shadow's entries included. The queue capacity and concurrency of the
    /// shadow are the committed file's (router defaults when it has none).
    /// </summary>
    public JsonObject Variant(ShadowSetting setting)
    {
        var root = _root.DeepClone().AsObject();
        if (setting.IsNone)
        {
            return root;
        }

        var ensemble = root["ensembles"]!.AsArray().OfType<JsonObject>().Single(e => (string?)e["name"] == Ensemble);
        var members = ensemble["members"]!.AsArray().OfType<JsonObject>().ToArray();
        var primary = members.Select(m => (string)m["name"]!).ToArray();
        var arms = ensemble["arms"]!.AsArray();
        string arm;
        if (setting.Kind == ShadowSetting.SameMembersKind)
        {
            arm = SameMembersArm;
            arms.Add(new JsonObject { ["name"] = arm, ["strategy"] = "vote", ["weight"] = 0, ["members"] = Names(primary) });
        }
        else
        {
            arm = OtherMembersArm;
            foreach (var existing in arms.OfType<JsonObject>().Where(a => a["members"] is null))
            {
                existing["members"] = Names(primary);
            }

            var shadowMembers = new List<string>();
            foreach (var member in members)
            {
                var copy = member.DeepClone().AsObject();
                var name = (string)member["name"]! + OtherMemberSuffix;
                copy["model"] = (string?)member["model"] ?? (string)member["name"]!;
                copy["name"] = name;
                ensemble["members"]!.AsArray().Add(copy);
                shadowMembers.Add(name);
            }

            arms.Add(new JsonObject { ["name"] = arm, ["strategy"] = "bagging", ["weight"] = 0, ["members"] = Names(shadowMembers) });
        }

        var shadow = new JsonObject { ["arm"] = arm, ["sample_percent"] = setting.Percent };
        foreach (var key in new[] { "queue_capacity", "concurrency" })
        {
            if (_committedShadow?[key] is { } value)
            {
                shadow[key] = value.DeepClone();
            }
        }

        ensemble["shadow"] = shadow;
        return root;
    }

    private static JsonArray Names(IEnumerable<string> names) => new([.. names.Select(n => (JsonNode)JsonValue.Create(n))]);
}
