namespace EnsembleGrpc.InferenceServer.Tests.Support;

/// <summary>
/// A temporary model repository of fake models (config.json plus an empty model.onnx) matching
/// <see cref="FakeExecutor"/>: input "x" FP32 [-1,4], outputs "doubled" [-1,4] and "sum" [-1,1].
/// </summary>
public sealed class FakeRepository : IDisposable
{
    public FakeRepository(params string[] models)
    {
        Root = Directory.CreateTempSubdirectory("egrpc-repo-").FullName;
        foreach (var model in models)
        {
            Add(model);
        }
    }

    public string Root { get; }

    public void Add(string model, int maxBatchSize = 8, string? dynamicBatching = null)
    {
        var directory = Path.Combine(Root, model);
        Directory.CreateDirectory(Path.Combine(directory, "1"));
        File.WriteAllBytes(Path.Combine(directory, "1", "model.onnx"), []);
        File.WriteAllText(Path.Combine(directory, "config.json"), $$"""
            {
              "name": "{{model}}",
              "model_id": "{{model}}/1/fake",
              "platform": "onnxruntime_onnx",
              "max_batch_size": {{maxBatchSize}},
              "inputs": [{"name": "x", "datatype": "FP32", "shape": [-1, {{FakeExecutor.Width}}]}],
              "outputs": [
                {"name": "doubled", "datatype": "FP32", "shape": [-1, {{FakeExecutor.Width}}]},
                {"name": "sum", "datatype": "FP32", "shape": [-1, 1]}
              ]{{(dynamicBatching is null ? string.Empty : $", \"dynamic_batching\": {dynamicBatching}")}}
            }
            """);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }
}
