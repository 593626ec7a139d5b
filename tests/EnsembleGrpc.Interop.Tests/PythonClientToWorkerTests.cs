using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using EnsembleGrpc.Datasets;
using Grpc.Net.Client;
using EnsembleGrpc.InferenceServer.Hosting;
using EnsembleGrpc.Interop.Tests.Infrastructure;
using EnsembleGrpc.Protocol;
using Google.Protobuf;

namespace EnsembleGrpc.Interop.Tests;

/// <summary>
/// An independent gRPC implementation (python grpcio, C-core) calls a real worker serving a committed model:
/// ModelMetadata, and ModelInfer with raw and with typed contents. Its answers must be ours, image for image.
/// </summary>
public sealed class PythonClientToWorkerTests
{
    private const string Model = "mnist_cnn_1";

    // The model's max_batch_size: one request carries them all.
    private const int Count = 64;

    [Fact]
    public async Task Python_grpcio_reads_the_metadata_and_gets_our_answers_raw_and_typed()
    {
        var env = await PythonEnvironment.GetAsync();
        var dataset = EgdsDataset.Load(Path.Combine(RepoPaths.Root, "models", "data", "mnist-test.bin"));
        var images = MemoryMarshal.AsBytes(dataset.ToModelInput(0, Count).AsSpan()).ToArray();
        var imagesPath = Path.Combine(env.GeneratedDir, $"worker-images-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(imagesPath, images);

        await using var worker = WorkerHost.Build([
            "--repository", Path.Combine(RepoPaths.Root, "models"), "--models", Model,
            "--host", "127.0.0.1", "--port", "0", "--Logging:LogLevel:Default", "Warning"]);
        await worker.StartAsync();
        try
        {
            Assert.True(await worker.WaitUntilLoadedAsync().WaitAsync(TimeSpan.FromSeconds(120)), "the worker's model did not load");
            var expected = await OurPredictionsAsync(worker.Port, images);

            await using var python = PythonProcess.Start("worker_client.py", [
                "--gen-dir", env.GeneratedDir,
                "--target", "127.0.0.1:" + worker.Port.ToString(CultureInfo.InvariantCulture),
                "--model", Model,
                "--images", imagesPath,
                "--count", Count.ToString(CultureInfo.InvariantCulture),
            ]);
            Assert.True(await python.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, python.Diagnostics());
            var result = Assert.Single(python.Lines);

            var metadata = result.GetProperty("metadata");
            Assert.Equal(Model, metadata.GetProperty("name").GetString());
            Assert.Equal("onnxruntime_onnx", metadata.GetProperty("platform").GetString());
            AssertTensor(metadata.GetProperty("inputs"), "input", [-1, 1, 28, 28]);
            AssertTensor(metadata.GetProperty("outputs"), "probabilities", [-1, 10]);

            // Raw in, raw out; typed in, typed out; the request id is echoed either way.
            var raw = result.GetProperty("raw");
            Assert.Equal("python-raw", raw.GetProperty("id").GetString());
            Assert.Equal([Count, 10], Ints(raw.GetProperty("shape")));
            Assert.Equal(0, raw.GetProperty("typed_contents_in_reply").GetInt32());
            Assert.Equal(expected, Ints(raw.GetProperty("predictions")));

            var typed = result.GetProperty("typed");
            Assert.Equal("python-typed", typed.GetProperty("id").GetString());
            Assert.Equal([Count, 10], Ints(typed.GetProperty("shape")));
            Assert.Equal(0, typed.GetProperty("raw_contents_in_reply").GetInt32());
            Assert.Equal(expected, Ints(typed.GetProperty("predictions")));

            // And the answers are the model's: nearly all of these 64 real digits are classified right.
            Assert.True(expected.Zip(dataset.Labels).Count(p => p.First == p.Second) >= Count - 3);
        }
        finally
        {
            await worker.StopAsync();
            File.Delete(imagesPath);
        }
    }

    private static async Task<int[]> OurPredictionsAsync(int port, byte[] images)
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var request = new ModelInferRequest { ModelName = Model };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32", Shape = { Count, 1, 28, 28 } });
        request.RawInputContents.Add(ByteString.CopyFrom(images));
        var response = await client.ModelInferAsync(request, deadline: DateTime.UtcNow.AddSeconds(30));
        var probabilities = MemoryMarshal.Cast<byte, float>(response.RawOutputContents[0].Span);
        var predictions = new int[Count];
        for (var r = 0; r < Count; r++)
        {
            predictions[r] = ArgMax(probabilities.Slice(r * 10, 10));
        }

        return predictions;
    }

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        var best = 0;
        for (var c = 1; c < row.Length; c++)
        {
            best = row[c] > row[best] ? c : best;
        }

        return best;
    }

    private static void AssertTensor(JsonElement tensors, string name, long[] shape)
    {
        var tensor = Assert.Single(tensors.EnumerateArray());
        Assert.Equal(name, tensor.GetProperty("name").GetString());
        Assert.Equal("FP32", tensor.GetProperty("datatype").GetString());
        Assert.Equal(shape, tensor.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray());
    }

    private static int[] Ints(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt32())];
}
