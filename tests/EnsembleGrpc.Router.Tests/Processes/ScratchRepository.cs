using System.Text.Json.Nodes;
using EnsembleGrpc.Router.Tests.Support;

namespace EnsembleGrpc.Router.Tests.Processes;

/// <summary>
/// A model repository for the router: links to the real members and stacker, plus <c>broken_stacker</c>, a meta-model
/// deployed with the wrong file (mnist_cnn_1's CNN in place of the stacker). It loads, since its config names the
/// CNN's tensors, and every run fails inside ONNX Runtime: the input has rank 2 where the CNN wants rank 4.
/// </summary>
internal static class ScratchRepository
{
    public const string BrokenStacker = "broken_stacker";

    public static string Create(string root)
    {
        Directory.CreateDirectory(root);
        foreach (var model in (string[])["mnist_cnn_1", "mnist_cnn_2", "mnist_cnn_3", "mnist_stacker"])
        {
            Directory.CreateSymbolicLink(Path.Combine(root, model), Path.Combine(RepoPaths.Models, model));
        }

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Models, "mnist_stacker", "config.json")))!;
        config["name"] = BrokenStacker;
        config["inputs"]![0]!["name"] = "input";
        string broken = Path.Combine(root, BrokenStacker);
        Directory.CreateDirectory(Path.Combine(broken, "1"));
        File.WriteAllText(Path.Combine(broken, "config.json"), config.ToJsonString());
        File.Copy(Path.Combine(RepoPaths.Models, "mnist_cnn_1", "1", "model.onnx"), Path.Combine(broken, "1", "model.onnx"));
        return root;
    }
}
