using System.Runtime.InteropServices;
using EnsembleGrpc.Protocol;
using EnsembleGrpc.Router.Engine;
using EnsembleGrpc.Router.Ensemble;
using Google.Protobuf;

namespace EnsembleGrpc.Router.Frontend;

/// <summary>Builds the protocol response of an answered request; raw contents when the request came raw.</summary>
public static class InferResponseMapper
{
    public static ModelInferResponse ToResponse(InferenceOutcome outcome, bool raw, HashSet<string>? outputs)
    {
        var result = outcome.Result!;
        var ensemble = outcome.Ensemble!;
        int batch = result.Predictions!.Length;
        var response = new ModelInferResponse { ModelName = ensemble.Name, ModelVersion = RouterEngine.Version, Id = outcome.RequestId };
        response.Parameters[ResponseParameters.EnsembleStrategy] = ResponseParameterValues.Name(result.Strategy!);
        response.Parameters[ResponseParameters.Fallback] = ResponseParameterValues.Bool(result.Fallback);
        response.Parameters[ResponseParameters.FallbackReason] = ResponseParameterValues.Text(result.FallbackReason);
        response.Parameters[ResponseParameters.MembersAnswered] = ResponseParameterValues.Count(result.MembersAnswered);
        if (ensemble.RevealArm)
        {
            response.Parameters[ResponseParameters.Arm] = ResponseParameterValues.Name(outcome.Arm!.Name);
        }

        if (outputs is null || outputs.Contains(ResponseParameters.ProbabilitiesOutput))
        {
            var tensor = new ModelInferResponse.Types.InferOutputTensor { Name = ResponseParameters.ProbabilitiesOutput, Datatype = "FP32" };
            tensor.Shape.Add(batch);
            tensor.Shape.Add(OutputValidator.Classes);
            if (raw)
            {
                response.RawOutputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(result.Probabilities.AsSpan())));
            }
            else
            {
                tensor.Contents = new InferTensorContents();
                tensor.Contents.Fp32Contents.AddRange(result.Probabilities);
            }

            response.Outputs.Add(tensor);
        }

        if (outputs is null || outputs.Contains(ResponseParameters.PredictionsOutput))
        {
            var tensor = new ModelInferResponse.Types.InferOutputTensor { Name = ResponseParameters.PredictionsOutput, Datatype = "INT64" };
            tensor.Shape.Add(batch);
            var labels = new long[batch];
            for (int i = 0; i < batch; i++)
            {
                labels[i] = result.Predictions[i];
            }

            if (raw)
            {
                response.RawOutputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(labels.AsSpan())));
            }
            else
            {
                tensor.Contents = new InferTensorContents();
                tensor.Contents.Int64Contents.AddRange(labels);
            }

            response.Outputs.Add(tensor);
        }

        return response;
    }
}
