using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using EnsembleGrpc.Datasets;
using EnsembleGrpc.Hosting;
using EnsembleGrpc.InferenceServer.Hosting;
using EnsembleGrpc.Interop.Tests.Infrastructure;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Hosting;
using Google.Protobuf;

namespace EnsembleGrpc.Interop.Tests.Serving;

/// <summary>
/// What the independent clients call: three real workers (mnist_cnn_1..3 from models/, in-process on 127.0.0.1 port 0)
/// and a real router serving the ensemble "mnist" over them (one bagging arm, so every answer is deterministic).
/// Holds the first <see cref="Count"/> digits of the committed MNIST test split as FP32 [N,1,28,28] in a file, our
/// own client's (Grpc.Net.Client) predictions for them from the worker and from the router, and runs each peer
/// (python grpcio, node grpc-js) once per target, so every test of a peer asserts on the same JSON answer.
/// </summary>
public sealed class ServingCluster : IAsyncLifetime
{
    public const string WorkerModel = "mnist_cnn_1";
    public const string Ensemble = "mnist";

    /// <summary>The members' max_batch_size: one request carries every image.</summary>
    public const int Count = 64;

    private readonly List<WorkerHost> _workers = [];
    private readonly ConcurrentDictionary<(Peer, Target), Lazy<Task<JsonElement>>> _answers = new();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ensemblegrpc-serving-" + Guid.NewGuid().ToString("N")[..12]);
    private RouterHost? _router;

    public enum Peer
    {
        Python,
        Node,
    }

    public enum Target
    {
        Worker,
        Router,
    }

    public EgdsDataset TestSet { get; } = EgdsDataset.Load(Path.Combine(RepoPaths.Models, "data", "mnist-test.bin"));

    public string ImagesPath => Path.Combine(_directory, "images.bin");

    public int WorkerPort => _workers[0].Port;

    public int RouterPort => _router!.Port;

    /// <summary>Our own client's predicted classes for the images, from the worker (mnist_cnn_1).</summary>
    public int[] OurWorkerPredictions { get; private set; } = [];

    /// <summary>Our own client's predicted classes for the images, from the router (ensemble "mnist").</summary>
    public int[] OurRouterPredictions { get; private set; } = [];

    public int[] Labels => [.. TestSet.Labels.Take(Count).Select(l => (int)l)];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var images = MemoryMarshal.AsBytes(TestSet.ToModelInput(0, Count).AsSpan()).ToArray();
        await File.WriteAllBytesAsync(ImagesPath, images);

        foreach (var model in new[] { "mnist_cnn_1", "mnist_cnn_2", "mnist_cnn_3" })
        {
            var worker = WorkerHost.Build([
                "--repository", RepoPaths.Models, "--models", model,
                "--host", "127.0.0.1", "--port", "0", "--Logging:LogLevel:Default", "Warning"]);
            _workers.Add(worker);
            await worker.StartAsync();
            Assert.True(await worker.WaitUntilLoadedAsync().WaitAsync(TimeSpan.FromSeconds(120)), $"the worker's model {model} did not load");
        }

        string members = string.Join(", ", _workers.Select((w, i) => $$"""{ "name": "mnist_cnn_{{i + 1}}", "endpoints": ["http://127.0.0.1:{{w.Port}}"] }"""));
        string config = $$"""
            {
              "model_repository": "{{RepoPaths.Models.Replace("\\", "/", StringComparison.Ordinal)}}",
              "ensembles": [ { "name": "{{Ensemble}}", "timeout_ms": 10000, "members": [ {{members}} ],
                               "arms": [ { "name": "bagging", "strategy": "bagging", "weight": 1 } ] } ]
            }
            """;
        string configPath = Path.Combine(_directory, "routing.json");
        await File.WriteAllTextAsync(configPath, config);
        _router = RouterHost.Build(["--config", configPath, "--port", "0", "--watch", "false", "--state", "none",
            "--warmup-timeout-ms", "10000", "--Logging:LogLevel:Default", "Warning"]);
        await _router.StartAsync();

        OurWorkerPredictions = await OurPredictionsAsync(WorkerPort, WorkerModel, images);
        OurRouterPredictions = await OurPredictionsAsync(RouterPort, Ensemble, images);
    }

    /// <summary>The JSON object the peer printed for its calls to the target (the peer runs once per target).</summary>
    public Task<JsonElement> AnswerAsync(Peer peer, Target target) =>
        _answers.GetOrAdd((peer, target), key => new Lazy<Task<JsonElement>>(() => RunAsync(key.Item1, key.Item2))).Value;

    public async Task DisposeAsync()
    {
        if (_router is not null)
        {
            await _router.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
            await _router.DisposeAsync();
        }

        foreach (var worker in _workers)
        {
            await worker.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
            await worker.DisposeAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    private async Task<JsonElement> RunAsync(Peer peer, Target target)
    {
        var (port, model) = target == Target.Worker ? (WorkerPort, WorkerModel) : (RouterPort, Ensemble);
        List<string> common = [
            "--target", "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
            "--model", model,
            "--images", ImagesPath,
            "--count", Count.ToString(CultureInfo.InvariantCulture),
            "--id-prefix", peer == Peer.Python ? "python" : "node",
        ];
        if (target == Target.Router)
        {
            common.Add("--admin");
        }

        await using var process = peer == Peer.Python
            ? PeerProcess.StartPython("inference_client.py", ["--gen-dir", (await PythonEnvironment.GetAsync()).GeneratedDir, .. common])
            : PeerProcess.StartNode((await NodeEnvironment.GetAsync()).Node, "client.js", ["--protos", RepoPaths.ProtosDir, "--health-proto", RepoPaths.HealthProto, .. common]);
        int exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(90));
        Assert.True(exitCode == 0, $"{peer} client against the {target} exited with {exitCode}.{process.Diagnostics()}");
        var lines = process.Lines;
        Assert.True(lines.Count == 1 && lines[0].ValueKind == JsonValueKind.Object, $"{peer} client printed no single JSON object.{process.Diagnostics()}");
        return lines[0];
    }

    private static async Task<int[]> OurPredictionsAsync(int port, string model, byte[] images)
    {
        using var channel = GrpcChannels.Create($"http://127.0.0.1:{port}");
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var request = new ModelInferRequest { ModelName = model, Id = "ours" };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32", Shape = { Count, 1, 28, 28 } });
        request.RawInputContents.Add(ByteString.CopyFrom(images));
        var response = await client.ModelInferAsync(request, deadline: DateTime.UtcNow.AddSeconds(60));
        int index = response.Outputs.Select(o => o.Name).ToList().IndexOf("probabilities");
        var probabilities = MemoryMarshal.Cast<byte, float>(response.RawOutputContents[index].Span);
        var predictions = new int[Count];
        for (var r = 0; r < Count; r++)
        {
            var row = probabilities.Slice(r * 10, 10);
            var best = 0;
            for (var c = 1; c < row.Length; c++)
            {
                best = row[c] > row[best] ? c : best;
            }

            predictions[r] = best;
        }

        return predictions;
    }
}
