using EnsembleGrpc.Protocol;
using Google.Protobuf;
using Grpc.Core;

namespace EnsembleGrpc.Router.Tests.Functional;

/// <summary>
/// What a client written outside this project relies on: typed contents as well as raw, the inputs ModelMetadata
/// advertises and nothing else, and one version rule in ModelMetadata, ModelReady and ModelInfer.
/// </summary>
[Collection(RouterClusterCollection.Name)]
public sealed class ProtocolFunctionalTests(RouterCluster cluster)
{
    private const int Batch = 4;

    [Fact]
    public async Task Typed_contents_give_the_same_answer_as_raw_contents_for_both_inputs()
    {
        var floats = cluster.TestSet.ToModelInput(0, Batch);
        var pixels = cluster.TestSet.Pixels.AsSpan(0, Batch * 784).ToArray();
        var raw = InferenceCalls.Predictions(await Infer(InferenceCalls.Fp32("mnist", floats, Batch, strategy: "bagging")));

        var fp32 = Typed("input", "FP32", [Batch, 1, 28, 28], c => c.Fp32Contents.AddRange(floats));
        var uints = Typed("image", "UINT8", [Batch, 28, 28], c => c.UintContents.AddRange(pixels.Select(p => (uint)p)));
        var bytes = Typed("image", "UINT8", [Batch, 28, 28, 1], c => c.BytesContents.Add(ByteString.CopyFrom(pixels)));

        // Skipping every normalisation step makes the UINT8 images the same tensor as the FP32 ones.
        foreach (var request in new[] { uints, bytes })
        {
            request.Parameters["preprocess_skip"] = new InferParameter { StringParam = "all" };
        }

        foreach (var request in new[] { fp32, uints, bytes })
        {
            var response = await Infer(request);
            // Typed in, typed out.
            Assert.Empty(response.RawOutputContents);
            Assert.Equal(raw, response.Outputs.Single(o => o.Name == "predictions").Contents.Int64Contents.Select(v => (int)v));
        }
    }

    [Fact]
    public async Task Mixed_contents_wrong_counts_and_unknown_inputs_are_invalid_arguments()
    {
        var mixed = InferenceCalls.Fp32("mnist", cluster.TestSet.ToModelInput(0, 1), 1);
        mixed.Inputs[0].Contents = new InferTensorContents();
        mixed.Inputs[0].Contents.Fp32Contents.AddRange(new float[784]);
        var shortContents = Typed("input", "FP32", [1, 1, 28, 28], c => c.Fp32Contents.AddRange(new float[10]));
        var tooBright = Typed("image", "UINT8", [1, 28, 28], c => c.UintContents.AddRange(Enumerable.Repeat(300u, 784)));
        var unknown = Typed("pixels", "FP32", [1, 1, 28, 28], c => c.Fp32Contents.AddRange(new float[784]));
        var badSteps = Typed("image", "UINT8", [1, 28, 28], c => c.UintContents.AddRange(new uint[784]));
        badSteps.Parameters["preprocess_skip"] = new InferParameter { StringParam = "box,blur" };

        foreach (var (request, message) in new[]
        {
            (mixed, "has typed contents but the request uses raw_input_contents"),
            (shortContents, "fp32_contents hold 10 values, the shape needs 784"),
            (tooBright, "uint_contents value 300 at flat index 0 does not fit UINT8 (0..255)"),
            (badSteps, "parameter preprocess_skip 'box,blur': unknown step 'blur'; accepted: a comma-separated list of invert, contrast, denoise, box, center, or 'all', or 'none'"),
            (unknown, "input 'pixels' is not an input of the ensemble; inputs: 'input' (FP32 [N,1,28,28], values pixel/255 in [0, 1]) or 'image' (UINT8"),
        })
        {
            var ex = await Assert.ThrowsAsync<RpcException>(async () => await cluster.Client.ModelInferAsync(request));
            Assert.Equal((StatusCode.InvalidArgument, true), (ex.StatusCode, ex.Status.Detail.Contains(message, StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task Metadata_advertises_both_inputs_and_every_advertised_input_is_accepted()
    {
        var metadata = await cluster.Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "mnist" });

        Assert.Equal(["1"], metadata.Versions);
        Assert.Equal([("input", "FP32", "-1,1,28,28"), ("image", "UINT8", "-1,-1,-1,-1")], metadata.Inputs.Select(i => (i.Name, i.Datatype, string.Join(",", i.Shape))));
        foreach (var input in metadata.Inputs)
        {
            var request = input.Datatype == "FP32"
                ? Typed(input.Name, input.Datatype, [1, 1, 28, 28], c => c.Fp32Contents.AddRange(cluster.TestSet.ToModelInput(0, 1)))
                : Typed(input.Name, input.Datatype, [1, 28, 28, 1], c => c.BytesContents.Add(ByteString.CopyFrom(cluster.TestSet.Pixels.AsSpan(0, 784))));
            Assert.Single((await Infer(request)).Outputs.Single(o => o.Name == "predictions").Contents.Int64Contents);
        }
    }

    [Fact]
    public async Task Metadata_ready_and_infer_agree_on_which_versions_exist()
    {
        foreach (string version in new[] { "", "1" })
        {
            Assert.Equal("mnist", (await cluster.Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "mnist", Version = version })).Name);
            Assert.True((await cluster.Client.ModelReadyAsync(new ModelReadyRequest { Name = "mnist", Version = version })).Ready);
        }

        var infer = InferenceCalls.Fp32("mnist", cluster.TestSet.ToModelInput(0, 1), 1);
        infer.ModelVersion = "2";
        var answers = new[]
        {
            await Assert.ThrowsAsync<RpcException>(async () => await cluster.Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "mnist", Version = "2" })),
            await Assert.ThrowsAsync<RpcException>(async () => await cluster.Client.ModelReadyAsync(new ModelReadyRequest { Name = "mnist", Version = "2" })),
            await Assert.ThrowsAsync<RpcException>(async () => await cluster.Client.ModelInferAsync(infer)),
        };
        Assert.All(answers, ex => Assert.Equal((StatusCode.NotFound, "model 'mnist' has only version 1; asked for '2'."), (ex.StatusCode, ex.Status.Detail)));

        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await cluster.Client.ModelReadyAsync(new ModelReadyRequest { Name = "nope" }));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.StartsWith("model 'nope' is not served by this router; models: ", unknown.Status.Detail, StringComparison.Ordinal);
    }

    private async Task<ModelInferResponse> Infer(ModelInferRequest request) =>
        await cluster.Client.ModelInferAsync(request, deadline: DateTime.UtcNow.AddSeconds(60));

    private static ModelInferRequest Typed(string name, string datatype, long[] shape, Action<InferTensorContents> fill)
    {
        var request = new ModelInferRequest { ModelName = "mnist" };
        request.Parameters["ensemble_strategy"] = new InferParameter { StringParam = "bagging" };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = datatype, Contents = new InferTensorContents() };
        input.Shape.AddRange(shape);
        fill(input.Contents);
        request.Inputs.Add(input);
        return request;
    }
}
