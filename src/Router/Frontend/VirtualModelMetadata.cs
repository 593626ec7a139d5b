using EnsembleGrpc.Protocol;
using EnsembleGrpc.Protocol.Rest;
using EnsembleGrpc.Router.Engine;
using EnsembleGrpc.Router.Ensemble;

namespace EnsembleGrpc.Router.Frontend;

/// <summary>
/// The protocol's metadata of a virtual model, as <see cref="RouterInferenceService.ModelMetadata"/> answers it: a
/// request sends one of the two inputs (<see cref="RouterInputs"/>) and gets both outputs.
/// </summary>
public static class VirtualModelMetadata
{
    public static ModelMetadataResponse For(string ensemble)
    {
        var response = new ModelMetadataResponse { Name = ensemble, Platform = RouterInferenceService.Platform };
        response.Versions.Add(RouterEngine.Version);
        response.Inputs.Add(Tensor(RouterInputs.Tensor, RouterInputs.TensorDatatype, RouterInputs.TensorShape));
        response.Inputs.Add(Tensor(RouterInputs.Image, RouterInputs.ImageDatatype, RouterInputs.ImageShape));
        response.Outputs.Add(Tensor(ResponseParameters.ProbabilitiesOutput, "FP32", -1, OutputValidator.Classes));
        response.Outputs.Add(Tensor(ResponseParameters.PredictionsOutput, "INT64", -1));
        return response;
    }

    /// <summary>The same, for <c>GET /v2/models/{name}</c>.</summary>
    public static RestModelMetadata Rest(string ensemble) => RestModelMetadata.From(For(ensemble));

    private static ModelMetadataResponse.Types.TensorMetadata Tensor(string name, string datatype, params long[] shape)
    {
        var tensor = new ModelMetadataResponse.Types.TensorMetadata { Name = name, Datatype = datatype };
        tensor.Shape.AddRange(shape);
        return tensor;
    }
}
