using EnsembleGrpc.Protocol;
using EnsembleGrpc.Protocol.Config;
using EnsembleGrpc.Router.Engine;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Model;
using PreprocessedInput = EnsembleGrpc.Router.Preprocessing.ModelInput;

namespace EnsembleGrpc.Router.Frontend;

/// <summary>
/// Triton's view of a virtual model, for its ModelConfig and RepositoryIndex extensions: what perf_analyzer and
/// tritonclient read before they send a request. Inputs and outputs are those of ModelMetadata, with Triton's rule that
/// dims leave out the batch dimension when max_batch_size is above 0. The two inputs are alternatives, so both are
/// optional (a request sends one).
/// </summary>
public static class VirtualModelConfig
{
    /// <summary>Triton's state word for a model that answers.</summary>
    public const string ReadyState = "READY";

    /// <param name="batching">Whether the router micro-batches member calls (then the model reports dynamic batching).</param>
    public static ModelConfig For(EnsembleModel ensemble, bool batching)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        var config = new ModelConfig { Name = ensemble.Name, Platform = RouterInferenceService.Platform, MaxBatchSize = ensemble.MaxBatchSize };
        config.Input.Add(Input(RouterInputs.Tensor, DataType.TypeFp32, ModelInput.Types.Format.Nchw, 1, PreprocessedInput.Height, PreprocessedInput.Width));
        config.Input.Add(Input(RouterInputs.Image, DataType.TypeUint8, ModelInput.Types.Format.None, -1, -1, -1));
        config.Output.Add(Output(ResponseParameters.ProbabilitiesOutput, DataType.TypeFp32, OutputValidator.Classes));
        config.Output.Add(Output(ResponseParameters.PredictionsOutput, DataType.TypeInt64));
        if (batching)
        {
            // Requests that meet at a member while its calls are in flight go to it as one batch: no added delay.
            config.DynamicBatching = new ModelDynamicBatching();
        }

        return config;
    }

    /// <summary>Every served ensemble, each READY in its one version (the router serves what its routing file names).</summary>
    public static RepositoryIndexResponse Index(IEnumerable<EnsembleModel> ensembles)
    {
        var index = new RepositoryIndexResponse();
        foreach (var ensemble in ensembles.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            index.Models.Add(new RepositoryIndexResponse.Types.ModelIndex { Name = ensemble.Name, Version = RouterEngine.Version, State = ReadyState });
        }

        return index;
    }

    private static ModelInput Input(string name, DataType type, ModelInput.Types.Format format, params long[] dims)
    {
        var input = new ModelInput { Name = name, DataType = type, Format = format, Optional = true };
        input.Dims.Add(dims);
        return input;
    }

    private static ModelOutput Output(string name, DataType type, params long[] dims)
    {
        var output = new ModelOutput { Name = name, DataType = type };
        output.Dims.Add(dims);
        return output;
    }
}
