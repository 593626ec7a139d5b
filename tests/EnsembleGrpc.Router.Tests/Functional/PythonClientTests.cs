using System.Diagnostics;
using System.Text.Json;
using EnsembleGrpc.Router.Tests.Support;

namespace EnsembleGrpc.Router.Tests.Functional;

/// <summary>An independent gRPC implementation (python grpcio, C-core) calls the router's ModelInfer.</summary>
[Collection(RouterClusterCollection.Name)]
public sealed class PythonClientTests(RouterCluster cluster)
{
    private const string Script = """
        import json, struct, sys
        import grpc
        gen, target, pixels_path, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
        sys.path.insert(0, gen)
        import inference_pb2
        channel = grpc.insecure_channel(target)
        infer = channel.unary_unary('/inference.GRPCInferenceService/ModelInfer',
            request_serializer=inference_pb2.ModelInferRequest.SerializeToString,
            response_deserializer=inference_pb2.ModelInferResponse.FromString)
        request = inference_pb2.ModelInferRequest(model_name='mnist', id='python-1')
        request.parameters['ensemble_strategy'].string_param = 'stacking'
        tensor = request.inputs.add(name='image', datatype='UINT8', shape=[count, 28, 28])
        request.raw_input_contents.append(open(pixels_path, 'rb').read())
        response = infer(request, timeout=30, metadata=[('x-routing-key', 'python')])
        names = [o.name for o in response.outputs]
        raw = response.raw_output_contents[names.index('predictions')]
        predictions = list(struct.unpack('<%dq' % count, raw))
        params = {k: getattr(v, v.WhichOneof('parameter_choice')) for k, v in response.parameters.items()}
        print(json.dumps({'id': response.id, 'predictions': predictions, 'parameters': params}))
        """;

    [Fact]
    public async Task A_python_grpcio_client_calls_ModelInfer()
    {
        const int N = 20;
        using var files = new TestFiles();
        string gen = Path.Combine(files.Directory, "gen");
        Directory.CreateDirectory(gen);
        await Run("protoc", ["--python_out=" + gen, "-I", Path.Combine(RepoPaths.Root, "protos"), Path.Combine(RepoPaths.Root, "protos", "inference.proto"), Path.Combine(RepoPaths.Root, "protos", "model_config.proto")]);
        // Dark-on-light digits, to go through the router's preprocessing as well.
        string pixels = files.Write("pixels.bin", "");
        await File.WriteAllBytesAsync(pixels, cluster.TestSet.Images(0, N).ToArray().Select(p => (byte)(255 - p)).ToArray());
        string script = files.Write("client.py", Script);

        string stdout = await Run("/usr/bin/python3", [script, gen, $"127.0.0.1:{cluster.RouterPort}", pixels, N.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

        using var result = JsonDocument.Parse(stdout);
        var root = result.RootElement;
        Assert.Equal("python-1", root.GetProperty("id").GetString());
        Assert.Equal("stacking", root.GetProperty("parameters").GetProperty("ensemble_strategy").GetString());
        Assert.False(root.GetProperty("parameters").GetProperty("fallback").GetBoolean());
        Assert.Equal(3, root.GetProperty("parameters").GetProperty("members_answered").GetInt64());
        var predictions = root.GetProperty("predictions").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.True(predictions.Zip(cluster.TestSet.Labels).Count(p => p.First == p.Second) >= N - 2);
    }

    private static async Task<string> Run(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, $"{file} exited with {process.ExitCode}: {await stderr}");
        return await stdout;
    }
}
