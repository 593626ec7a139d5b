using EnsembleGrpc.InferenceServer.Repository;
using EnsembleGrpc.OnnxRuntime;

namespace EnsembleGrpc.InferenceServer.Execution;

/// <summary>
/// Creates one ONNX Runtime session per model with the worker's device and thread settings, and checks the
/// model file's inputs and outputs against config.json so a mismatch fails at load, not at the first request.
/// </summary>
public sealed class OrtModelExecutorFactory : IModelExecutorFactory
{
    private readonly ExecutionSettings _settings;

    public OrtModelExecutorFactory(ExecutionSettings settings) => _settings = settings;

    public IModelExecutor Create(ModelDefinition model)
    {
        InferenceSession session;
        try
        {
            var environment = OrtEnvironment.GetOrCreate(new OrtEnvironmentOptions { LibraryPath = _settings.OrtLibraryPath });
            session = environment.CreateSession(model.ModelPath, new OnnxRuntime.SessionOptions
            {
                IntraOpThreads = _settings.IntraOpThreads,
                InterOpThreads = _settings.InterOpThreads,
                AllowSpinning = _settings.AllowSpinning,
                ExecutionProvider = _settings.Device.IsCuda ? ExecutionProvider.Cuda : ExecutionProvider.Cpu,
                CudaDeviceId = _settings.Device.DeviceId,
            });
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or InvalidOperationException or DllNotFoundException)
        {
            throw new ModelLoadException($"Model '{model.Name}' version {model.Version} could not be loaded on {_settings.Device}: {ex.Message}", ex);
        }

        var errors = new List<string>();
        Check(model.Config.Inputs, session.Inputs, "input", errors);
        Check(model.Config.Outputs, session.Outputs, "output", errors);
        if (errors.Count > 0)
        {
            session.Dispose();
            throw new ModelLoadException($"Model '{model.Name}' ({model.ModelPath}) does not match its configuration: {string.Join("; ", errors)}");
        }

        return new OrtModelExecutor(model, session);
    }

    private static void Check(IReadOnlyList<TensorConfig> configured, IReadOnlyList<TensorInfo> actual, string kind, List<string> errors)
    {
        if (configured.Count != actual.Count)
        {
            errors.Add($"the model has {actual.Count} {kind}s ({string.Join(", ", actual)}), the configuration {configured.Count}");
        }

        foreach (var tensor in configured)
        {
            var info = actual.FirstOrDefault(a => string.Equals(a.Name, tensor.Name, StringComparison.Ordinal));
            if (info is null)
            {
                errors.Add($"{kind} '{tensor.Name}' is not in the model ({string.Join(", ", actual.Select(a => a.Name))})");
                continue;
            }

            if (!info.IsTensor || info.ElementType != TensorElementType.Float)
            {
                errors.Add($"{kind} '{tensor.Name}' is {info.ElementType} in the model, FP32 in the configuration");
            }

            if (info.Rank != tensor.Shape.Count)
            {
                errors.Add($"{kind} '{tensor.Name}' has shape {info.ShapeText} in the model, [{string.Join(',', tensor.Shape)}] in the configuration");
                continue;
            }

            // A fixed model dimension must equal the configured one; a free one accepts any configured size.
            for (var d = 0; d < info.Rank; d++)
            {
                if (info.Shape[d] >= 0 && info.Shape[d] != tensor.Shape[d])
                {
                    errors.Add($"{kind} '{tensor.Name}' dimension {d} is {info.Shape[d]} in the model, {tensor.Shape[d]} in the configuration");
                }
            }
        }
    }
}
