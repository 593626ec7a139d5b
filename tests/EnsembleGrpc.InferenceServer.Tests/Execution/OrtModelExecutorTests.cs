using EnsembleGrpc.InferenceServer.Execution;
using EnsembleGrpc.InferenceServer.Repository;
using EnsembleGrpc.InferenceServer.Tests.Support;

namespace EnsembleGrpc.InferenceServer.Tests.Execution;

public sealed class OrtModelExecutorTests
{
    private static MnistSplit Split => Executors.Split.Value;

    [Fact]
    public void Runs_a_batch_and_returns_one_probability_row_per_image()
    {
        using var executor = Executors.Create("mnist_cnn_1");
        var outputs = executor.Run(3, [Split.Slice(0, 3)]);

        var probabilities = Assert.Single(outputs);
        Assert.Equal(30, probabilities.Length);
        for (var r = 0; r < 3; r++)
        {
            Assert.Equal(1f, probabilities.AsSpan(r * 10, 10).ToArray().Sum(), 1e-4f);
            // The class the pipeline's own float32 math predicts (reference-outputs.json), not the label: the executor
            // must reproduce the model, whose accuracy is the pipeline's business.
            Assert.Equal(Tensors.ArgMax(Executors.Reference.Value.Members["mnist_cnn_1"][r]), Tensors.ArgMax(probabilities.AsSpan(r * 10, 10)));
        }
    }

    [Fact]
    public void Every_batch_size_gives_the_rows_of_single_image_runs_and_fresh_result_arrays()
    {
        using var executor = Executors.Create("mnist_cnn_2");
        var single = Enumerable.Range(0, 16).Select(i => executor.Run(1, [Split.Slice(i, 1)])[0]).ToArray();
        foreach (var batch in new[] { 16, 5, 16, 1, 7 })
        {
            var first = executor.Run(batch, [Split.Slice(0, batch)])[0];
            var again = executor.Run(batch, [Split.Slice(0, batch)])[0];
            Assert.NotSame(first, again);
            for (var r = 0; r < batch; r++)
            {
                Executors.AssertClose([single[r]], first.AsSpan(r * 10, 10));
            }
        }
    }

    [Fact]
    public void Concurrent_runs_on_one_session_match_sequential_runs()
    {
        using var executor = Executors.Create("mnist_cnn_3");
        const int images = 24;
        var sequential = Enumerable.Range(0, images).Select(i => executor.Run(1, [Split.Slice(i, 1)])[0]).ToArray();
        var concurrent = new float[4][][];
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, thread =>
        {
            // Mixed batch sizes, so runs of one size and of different sizes overlap.
            concurrent[thread] = [.. Enumerable.Range(0, images * 2).Select(i =>
            {
                var start = (i + thread) % (images - 2);
                var rows = 1 + (i % 3);
                return executor.Run(rows, [Split.Slice(start, rows)])[0];
            })];
        });

        for (var thread = 0; thread < 4; thread++)
        {
            for (var i = 0; i < images * 2; i++)
            {
                var start = (i + thread) % (images - 2);
                for (var r = 0; r < 1 + (i % 3); r++)
                {
                    Executors.AssertClose([sequential[start + r]], concurrent[thread][i].AsSpan(r * 10, 10));
                }
            }
        }
    }

    [Fact]
    public void A_warm_run_allocates_only_the_result_arrays()
    {
        using var executor = Executors.Create("mnist_cnn_1");
        var input = Split.Slice(0, 8);
        executor.Run(8, [input]);
        executor.Run(8, [input]);

        var before = GC.GetAllocatedBytesForCurrentThread();
        const int runs = 50;
        for (var i = 0; i < runs; i++)
        {
            executor.Run(8, [input]);
        }

        var perRun = (GC.GetAllocatedBytesForCurrentThread() - before) / runs;
        // The result: an array of one float[80] (about 350 bytes with headers) plus the collection expression's array.
        Assert.True(perRun < 600, $"{perRun} bytes allocated per warm run");
    }

    [Fact]
    public void Buffers_beyond_the_cache_budget_are_freed_and_runs_still_answer()
    {
        using var executor = Executors.Create("mnist_cnn_1", Executors.Cpu with { BufferCacheBytes = 0 });
        var expected = Executors.Create("mnist_cnn_1").Run(4, [Split.Slice(0, 4)])[0];
        Assert.Equal(expected, executor.Run(4, [Split.Slice(0, 4)])[0]);
        Assert.Equal(expected, executor.Run(4, [Split.Slice(0, 4)])[0]);
        Assert.Equal(0, ((OrtModelExecutor)executor).BufferBytes);
    }

    [Fact]
    public void An_input_of_the_wrong_length_is_a_clear_error_and_the_executor_keeps_working()
    {
        using var executor = Executors.Create("mnist_cnn_1");
        var error = Assert.Throws<ArgumentException>(() => executor.Run(2, [new float[784]]));
        Assert.Contains("Model 'mnist_cnn_1' input 'input': a batch of 2 needs 1568 values (784 per row); 784 were given", error.Message);

        var count = Assert.Throws<ArgumentException>(() => executor.Run(1, [new float[784], new float[784]]));
        Assert.Contains("takes 1 inputs (input); 2 were given", count.Message);

        Assert.Equal(Split.Labels[0], Tensors.ArgMax(executor.Run(1, [Split.Slice(0, 1)])[0]));
    }

    [Fact]
    public void A_model_that_does_not_match_its_configuration_fails_to_load_with_every_difference()
    {
        var model = Executors.Read("mnist_cnn_1");
        var wrong = model with
        {
            Config = model.Config with
            {
                Inputs = [new TensorConfig { Name = "image", Datatype = "FP32", Shape = [-1, 1, 28, 28] }],
                Outputs = [new TensorConfig { Name = "probabilities", Datatype = "FP32", Shape = [-1, 12] }],
            },
        };

        var error = Assert.Throws<ModelLoadException>(() => new OrtModelExecutorFactory(Executors.Cpu).Create(wrong));
        Assert.Contains("input 'image' is not in the model (input)", error.Message);
        Assert.Contains("output 'probabilities' dimension 1 is 10 in the model, 12 in the configuration", error.Message);
    }

    [Fact]
    public void A_missing_model_file_fails_to_load_clearly()
    {
        var model = Executors.Read("mnist_cnn_1") with { ModelPath = "/nonexistent/model.onnx" };
        var error = Assert.Throws<ModelLoadException>(() => new OrtModelExecutorFactory(Executors.Cpu).Create(model));
        Assert.Contains("could not be loaded on cpu", error.Message);
        Assert.Contains("/nonexistent/model.onnx", error.Message);
    }

    [Fact]
    public void A_corrupt_model_file_fails_to_load_with_the_runtimes_reason()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "model.onnx");
        File.WriteAllBytes(path, [0x08, 0x07, 0xff, 0xff, 0x01]);
        var model = Executors.Read("mnist_cnn_1") with { ModelPath = path };

        // auto as well: a model that fails on the CPU too is the model's fault, not a reason to leave CUDA.
        var factory = new OrtModelExecutorFactory(Executors.Cpu with { Device = ExecutionDevice.Auto });
        var error = Assert.Throws<ModelLoadException>(() => factory.Create(model));
        Assert.Contains("could not be loaded on cpu from", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }
}
