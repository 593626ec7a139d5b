using EnsembleGrpc.InferenceServer.Repository;
using EnsembleGrpc.InferenceServer.Tests.Support;

namespace EnsembleGrpc.InferenceServer.Tests.Repository;

public sealed class ModelRepositoryTests
{
    [Theory]
    [InlineData("mnist_cnn_1", "input", 784)]
    [InlineData("mnist_cnn_2", "input", 784)]
    [InlineData("mnist_cnn_3", "input", 784)]
    [InlineData("mnist_stacker", "member_probabilities", 30)]
    public void Reads_the_committed_models(string name, string input, int rowElements)
    {
        var result = new ModelRepository(RepoPaths.Models).Read(name);
        Assert.Empty(result.Errors);
        var model = result.Definition!;
        Assert.Equal("1", model.Version);
        Assert.Equal(64, model.Config.MaxBatchSize);
        Assert.StartsWith($"{name}/1/", model.Config.ModelId);
        Assert.Equal(input, model.Config.Inputs.Single().Name);
        Assert.Equal(rowElements, ModelDefinition.RowElements(model.Config.Inputs[0]));
        Assert.Equal("probabilities", model.Config.Outputs.Single().Name);
        Assert.True(File.Exists(model.ModelPath));
    }

    [Fact]
    public void Picks_the_highest_numbered_version_holding_a_model_file()
    {
        using var repository = new FakeRepository("m");
        Directory.CreateDirectory(Path.Combine(repository.Root, "m", "3"));
        Directory.CreateDirectory(Path.Combine(repository.Root, "m", "10"));
        File.WriteAllBytes(Path.Combine(repository.Root, "m", "10", "model.onnx"), []);
        Directory.CreateDirectory(Path.Combine(repository.Root, "m", "latest"));

        Assert.Equal("10", new ModelRepository(repository.Root).Read("m").Definition!.Version);
    }

    [Fact]
    public void Reports_a_missing_model_and_a_missing_version()
    {
        using var repository = new FakeRepository();
        Assert.Contains("does not exist", Assert.Single(new ModelRepository(repository.Root).Read("absent").Errors));

        repository.Add("noversion");
        File.Delete(Path.Combine(repository.Root, "noversion", "1", "model.onnx"));
        Assert.Contains("no version directory", Assert.Single(new ModelRepository(repository.Root).Read("noversion").Errors));
    }

    [Fact]
    public void Reports_invalid_json()
    {
        using var repository = new FakeRepository("broken");
        File.WriteAllText(Path.Combine(repository.Root, "broken", "config.json"), "{ not json");
        Assert.Contains("is not valid", Assert.Single(new ModelRepository(repository.Root).Read("broken").Errors));
    }

    [Fact]
    public void Reads_the_optional_dynamic_batching_section()
    {
        using var repository = new FakeRepository();
        repository.Add("batched", maxBatchSize: 32, dynamicBatching: """{"max_batch_size": 16, "max_queue_delay_us": 250, "preferred_batch_sizes": [4, 8], "max_queue_size": 10}""");
        var batching = new ModelRepository(repository.Root).Read("batched").Definition!.Config.DynamicBatching!;
        Assert.Equal(16, batching.MaxBatchSize);
        Assert.Equal(250, batching.MaxQueueDelayUs);
        Assert.Equal([4, 8], batching.PreferredBatchSizes);
        Assert.Equal(10, batching.MaxQueueSize);
    }
}
