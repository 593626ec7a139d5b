using System.Runtime.InteropServices;
using EnsembleGrpc.InferenceServer.Inference;
using EnsembleGrpc.Protocol;
using Google.Protobuf;

namespace EnsembleGrpc.InferenceServer.Frontend;

/// <summary>Builds the protocol response: raw contents when the request came raw, typed fp32_contents otherwise.</summary>
public static class InferResponseEncoder
{
    public static ModelInferResponse Encode(InferenceRequest request, IReadOnlyList<OutputTensor> outputs, bool raw)
    {
        var response = new ModelInferResponse
        {
            ModelName = request.ModelName,
            ModelVersion = request.ModelVersion,
            Id = request.Id,
        };
        foreach (var output in outputs)
        {
            var tensor = new ModelInferResponse.Types.InferOutputTensor { Name = output.Name, Datatype = "FP32" };
            tensor.Shape.Add(output.Shape);
            var values = output.Data.Span;
            if (raw)
            {
                response.RawOutputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(values)));
            }
            else
            {
                var contents = new InferTensorContents();
                contents.Fp32Contents.Capacity = values.Length;
                foreach (var value in values)
                {
                    contents.Fp32Contents.Add(value);
                }

                tensor.Contents = contents;
            }

            response.Outputs.Add(tensor);
        }

        return response;
    }
}
