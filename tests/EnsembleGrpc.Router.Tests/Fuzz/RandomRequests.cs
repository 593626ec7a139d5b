using EnsembleGrpc.Protocol;
using Google.Protobuf;

namespace EnsembleGrpc.Router.Tests.Fuzz;

/// <summary>
/// Well-formed ModelInfer messages with random shapes, datatypes, names, contents and parameters (seeded): what a
/// confused or hostile client sends through a generated stub.
/// </summary>
internal static class RandomRequests
{
    private static readonly string[] Datatypes = ["FP32", "UINT8", "INT64", "FP16", "FP64", "INT8", "BOOL", "BYTES", "BF16", "", "fp32", "XYZ"];
    private static readonly string[] InputNames = ["input", "image", "x", "", "INPUT"];

    public static ModelInferRequest Next(Random random, string model)
    {
        var request = new ModelInferRequest
        {
            ModelName = random.Next(5) == 0 ? Pick(random, [model + "x", "", "mnist_stacker"]) : model,
            ModelVersion = random.Next(6) == 0 ? Pick(random, ["1", "2", "-1", "latest"]) : "",
            Id = random.Next(4) == 0 ? new string('i', random.Next(2000)) : "",
        };
        int inputs = random.Next(8) == 0 ? random.Next(3) : 1;
        for (int i = 0; i < inputs; i++)
        {
            AddInput(request, random);
        }

        if (random.Next(4) == 0)
        {
            request.Parameters[Pick(random, ["ensemble_strategy", "routing_key", "binary_data_output", "x"])] = RandomParameter(random);
        }

        if (random.Next(6) == 0)
        {
            request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = Pick(random, ["probabilities", "predictions", "nope"]) });
        }

        return request;
    }

    private static void AddInput(ModelInferRequest request, Random random)
    {
        var input = new ModelInferRequest.Types.InferInputTensor { Name = Pick(random, InputNames), Datatype = Pick(random, Datatypes) };
        int rank = random.Next(6);
        long elements = 1;
        for (int d = 0; d < rank; d++)
        {
            long dim = random.Next(10) == 0 ? Pick(random, [-1L, 0L, long.MaxValue, int.MaxValue + 1L]) : random.Next(1, 40);
            input.Shape.Add(dim);
            elements = dim > 0 && elements < 1 << 20 ? elements * Math.Min(dim, 1 << 20) : elements;
        }

        // Contents that fit the shape for FP32/UINT8 half the time, anything the other half, bounded to 1 MiB.
        int width = input.Datatype is "UINT8" or "INT8" or "BOOL" ? 1 : input.Datatype is "FP16" or "BF16" ? 2 : input.Datatype is "INT64" or "FP64" ? 8 : 4;
        int bytes = (int)Math.Min(1 << 20, random.Next(2) == 0 ? elements * width : random.Next(5000));
        if (random.Next(5) == 0)
        {
            input.Contents = new InferTensorContents();
            for (int i = 0; i < Math.Min(bytes / 4, 10000); i++)
            {
                input.Contents.Fp32Contents.Add(Pick(random, [0f, 0.5f, 1f, -1f, float.NaN, float.PositiveInfinity, 3e38f]));
            }
        }
        else
        {
            var raw = new byte[bytes];
            random.NextBytes(raw);
            request.RawInputContents.Add(ByteString.CopyFrom(raw));
        }

        request.Inputs.Add(input);
    }

    private static InferParameter RandomParameter(Random random) => random.Next(3) switch
    {
        0 => new InferParameter { StringParam = Pick(random, ["bagging", "stacking", "magic", "", new string('s', 5000)]) },
        1 => new InferParameter { Int64Param = random.NextInt64() },
        _ => new InferParameter { BoolParam = true },
    };

    private static T Pick<T>(Random random, T[] choices) => choices[random.Next(choices.Length)];
}
