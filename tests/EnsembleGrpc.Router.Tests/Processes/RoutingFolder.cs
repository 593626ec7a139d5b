using EnsembleGrpc.Router.Tests.Support;

namespace EnsembleGrpc.Router.Tests.Processes;

/// <summary>
/// The router's routing file, in a folder of its own, written the ways operators change it: rewritten in place, copied
/// over, and mounted as a Kubernetes ConfigMap (<c>routing.json</c> → <c>..data/routing.json</c>, <c>..data</c> →
/// a timestamped folder, updated by renaming a new <c>..data_tmp</c> link over <c>..data</c>). Every version holds the
/// same ensembles plus one named <c>watched_&lt;tag&gt;</c>, so a test sees which version is live.
/// </summary>
internal sealed class RoutingFolder(string folder, string repository, string steady, string flaky, string killable)
{
    public string FilePath => Path.Combine(folder, "routing.json");

    public string WritePlain(string tag)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(FilePath, Config(tag));
        return FilePath;
    }

    /// <summary>Written elsewhere first, then copied over the live file (cp, as an operator does).</summary>
    public void CopyOver(string tag)
    {
        string staged = Path.Combine(Path.GetDirectoryName(folder)!, $"staged-{tag}.json");
        File.WriteAllText(staged, Config(tag));
        File.Copy(staged, FilePath, overwrite: true);
    }

    /// <summary>Turns the plain file into the ConfigMap layout, the file replaced by a link in one rename.</summary>
    public void ToConfigMap(string tag)
    {
        string data = WriteVersionFolder(tag);
        File.CreateSymbolicLink(Path.Combine(folder, "..data"), Path.GetFileName(data));
        string link = Path.Combine(folder, "routing.json.new");
        File.CreateSymbolicLink(link, Path.Combine("..data", "routing.json"));
        File.Move(link, FilePath, overwrite: true);
    }

    /// <summary>What the kubelet does on a ConfigMap update: a new folder, a new link, renamed over <c>..data</c>.</summary>
    public void SwapData(string tag)
    {
        string data = WriteVersionFolder(tag);
        string temporary = Path.Combine(folder, "..data_tmp");
        File.CreateSymbolicLink(temporary, Path.GetFileName(data));
        ExternalCommand.Run("mv", "-T", temporary, Path.Combine(folder, "..data"));
    }

    private string WriteVersionFolder(string tag)
    {
        string data = Path.Combine(folder, $"..2026_{tag}");
        Directory.CreateDirectory(data);
        File.WriteAllText(Path.Combine(data, "routing.json"), Config(tag));
        return data;
    }

    private string Config(string tag) => $$"""
        { "model_repository": "{{repository}}",
          "ensembles": [
            { "name": "ratio", "quorum": 1, "timeout_ms": 5000,
              "breaker": { "failure_ratio": 0.5, "minimum_throughput": 8, "sampling_duration_ms": 60000, "break_duration_ms": 60000 },
              "members": [ { "name": "mnist_cnn_1", "endpoints": ["{{steady}}"] },
                           { "name": "flaky_cnn_3", "model": "mnist_cnn_3", "endpoints": ["{{flaky}}"] } ],
              "arms": [ { "name": "bagging", "strategy": "bagging", "weight": 1 } ] },
            { "name": "probe", "quorum": 1, "timeout_ms": 5000,
              "breaker": { "failure_ratio": 0.5, "minimum_throughput": 2, "sampling_duration_ms": 60000, "break_duration_ms": 500 },
              "members": [ { "name": "mnist_cnn_1", "endpoints": ["{{steady}}"] },
                           { "name": "mnist_cnn_2", "endpoints": ["{{killable}}"] } ],
              "arms": [ { "name": "bagging", "strategy": "bagging", "weight": 1 } ] },
            { "name": "stack", "timeout_ms": 5000,
              "members": [ { "name": "mnist_cnn_1", "endpoints": ["{{steady}}"] },
                           { "name": "mnist_cnn_2", "endpoints": ["{{steady}}"] },
                           { "name": "mnist_cnn_3", "endpoints": ["{{steady}}"] } ],
              "arms": [ { "name": "stacking", "strategy": "stacking", "weight": 1, "parameters": { "meta_model": "{{ScratchRepository.BrokenStacker}}" } } ] },
            { "name": "watched_{{tag}}",
              "members": [ { "name": "mnist_cnn_1", "endpoints": ["{{steady}}"] } ],
              "arms": [ { "name": "bagging", "strategy": "bagging", "weight": 1 } ] }
          ] }
        """;
}
