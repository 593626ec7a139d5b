using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EnsembleGrpc.Router.Tests.Support;

namespace EnsembleGrpc.Router.Tests.Functional.Rest;

/// <summary>
/// Python grpcio (C-core) calls ModelConfig and RepositoryIndex and reads the bytes with Triton's field numbers, written
/// down here from Triton's grpc_service.proto and model_config.proto and decoded by hand: no proto file of ours is
/// involved, so a renumbered field in protos/ fails this test.
/// </summary>
[Collection(RestClusterCollection.Name)]
public sealed class TritonWireTests(RestCluster cluster)
{
    private const string Script = """
        import json, sys
        import grpc
        target = sys.argv[1]

        def fields(data):
            # protobuf wire format: (field number, value) pairs; varints as ints, length-delimited as bytes.
            out, i = [], 0
            def varint():
                nonlocal i
                shift = value = 0
                while True:
                    b = data[i]; i += 1
                    value |= (b & 0x7f) << shift; shift += 7
                    if b < 0x80: return value
            while i < len(data):
                key = varint(); number, kind = key >> 3, key & 7
                if kind == 0: out.append((number, varint()))
                elif kind == 2:
                    n = varint(); out.append((number, data[i:i + n])); i += n
                else: raise ValueError('unexpected wire type %d' % kind)
            return out

        def packed(data):
            values, i = [], 0
            while i < len(data):
                shift = value = 0
                while True:
                    b = data[i]; i += 1
                    value |= (b & 0x7f) << shift; shift += 7
                    if b < 0x80: break
                values.append(value - (1 << 64) if value >= 1 << 63 else value)
            return values

        def call(method, request):
            channel = grpc.insecure_channel(target)
            rpc = channel.unary_unary('/inference.GRPCInferenceService/' + method, request_serializer=lambda b: b, response_deserializer=lambda b: b)
            return rpc(request, timeout=30)

        def name_request(name):
            encoded = name.encode()
            return bytes([0x0a, len(encoded)]) + encoded  # ModelConfigRequest.name = 1

        def tensor(data, dims_field):
            f = dict(fields(data))
            return {'name': f[1].decode(), 'data_type': f.get(2, 0), 'dims': packed(f.get(dims_field, b'')), 'optional': bool(f.get(8, 0))}

        def config(name):
            response = dict(fields(call('ModelConfig', name_request(name))))  # ModelConfigResponse.config = 1
            entries = fields(response[1])
            f = dict(entries)
            return {
                'name': f[1].decode(), 'platform': f.get(2, b'').decode(), 'backend': f.get(17, b'').decode(),
                'max_batch_size': f.get(4, 0),
                'input': [tensor(v, 4) for n, v in entries if n == 5],    # ModelInput.dims = 4
                'output': [tensor(v, 3) for n, v in entries if n == 6],   # ModelOutput.dims = 3
                'dynamic_batching': 11 in f,
            }

        def index():
            models = [dict(fields(v)) for n, v in fields(call('RepositoryIndex', b'')) if n == 1]
            return [{'name': m[1].decode(), 'version': m.get(2, b'').decode(), 'state': m.get(3, b'').decode()} for m in models]

        print(json.dumps({'config': config(sys.argv[2]), 'index': index()}))
        """;

    [Fact]
    public async Task Triton_field_numbers_read_a_workers_model_config_and_index()
    {
        var result = await RunAsync(cluster.WorkerGrpcPort, "mnist_cnn_1");

        var config = result.GetProperty("config");
        Assert.Equal("mnist_cnn_1", config.GetProperty("name").GetString());
        Assert.Equal("onnxruntime_onnx", config.GetProperty("platform").GetString());
        Assert.Equal("onnxruntime", config.GetProperty("backend").GetString());
        Assert.Equal(64, config.GetProperty("max_batch_size").GetInt32());
        var input = config.GetProperty("input").EnumerateArray().Single();
        Assert.Equal(11, input.GetProperty("data_type").GetInt32()); // TYPE_FP32
        Assert.Equal([1L, 28, 28], input.GetProperty("dims").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal([10L], config.GetProperty("output")[0].GetProperty("dims").EnumerateArray().Select(d => d.GetInt64()));
        Assert.True(config.GetProperty("dynamic_batching").GetBoolean());
        Assert.Equal(["mnist_cnn_1 1 READY", "mnist_cnn_2 1 READY", "mnist_cnn_3 1 READY"], Index(result));
    }

    [Fact]
    public async Task Triton_field_numbers_read_a_virtual_models_config_and_index()
    {
        var result = await RunAsync(cluster.RouterGrpcPort, "mnist");

        var config = result.GetProperty("config");
        Assert.Equal(32, config.GetProperty("max_batch_size").GetInt32());
        Assert.Equal(["input 11 [1,28,28] True", "image 2 [-1,-1,-1] True"], config.GetProperty("input").EnumerateArray().Select(i =>
            $"{i.GetProperty("name").GetString()} {i.GetProperty("data_type").GetInt32()} [{string.Join(",", i.GetProperty("dims").EnumerateArray().Select(d => d.GetInt64()))}] {i.GetProperty("optional").GetBoolean()}"));
        Assert.Equal(["mnist 1 READY", "mnist_down 1 READY"], Index(result));
    }

    private static IEnumerable<string> Index(JsonElement result) =>
        result.GetProperty("index").EnumerateArray().Select(m => $"{m.GetProperty("name").GetString()} {m.GetProperty("version").GetString()} {m.GetProperty("state").GetString()}");

    private static async Task<JsonElement> RunAsync(int port, string model)
    {
        using var files = new TestFiles();
        string script = files.Write("triton_wire.py", Script);
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { script, $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", model })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, $"python exited with {process.ExitCode}: {await stderr}");
        return JsonDocument.Parse(await stdout).RootElement.Clone();
    }
}
