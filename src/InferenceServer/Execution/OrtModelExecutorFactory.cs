using System.Runtime.ExceptionServices;
using EnsembleGrpc.InferenceServer.Repository;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace EnsembleGrpc.InferenceServer.Execution;

/// <summary>
/// Creates one ONNX Runtime session per model with the worker's device and thread settings, and checks the
/// model file's inputs and outputs against config.json so a mismatch fails at load, not at the first request.
/// With <c>--device auto</c>, CUDA is tried first; when it cannot run, every model of this worker is served on the
/// CPU and one warning says why.
/// </summary>
public sealed partial class OrtModelExecutorFactory : IModelExecutorFactory
{
    private readonly ExecutionSettings _settings;
    private readonly ILogger _logger;
    private string? _cpuFallbackReason;

    public OrtModelExecutorFactory(ExecutionSettings settings, ILogger<OrtModelExecutorFactory>? logger = null)
    {
        _settings = settings;
        _logger = logger ?? NullLogger<OrtModelExecutorFactory>.Instance;
    }

    /// <summary>Why <c>auto</c> serves on the CPU; null while CUDA was not tried or works.</summary>
    public string? CpuFallbackReason => Volatile.Read(ref _cpuFallbackReason);

    public IModelExecutor Create(ModelDefinition model)
    {
        var (session, provider) = CreateSession(model);
        var errors = new List<string>();
        OrtModelCheck.Compare(model.Config.Inputs, session.InputMetadata, session.InputNames, "input", errors);
        OrtModelCheck.Compare(model.Config.Outputs, session.OutputMetadata, session.OutputNames, "output", errors);
        if (errors.Count > 0)
        {
            session.Dispose();
            throw new ModelLoadException($"Model '{model.Name}' ({model.ModelPath}) does not match its configuration: {string.Join("; ", errors)}");
        }

        Log.Running(_logger, model.Name, model.Version, provider);
        return new OrtModelExecutor(model, session, provider, _settings.BufferCacheBytes);
    }

    private (InferenceSession Session, string Provider) CreateSession(ModelDefinition model)
    {
        var device = _settings.Device;
        if (!device.TriesCuda || CpuFallbackReason is not null)
        {
            return (Open(model, ExecutionDevice.Cpu), "cpu");
        }

        var cuda = device with { Kind = ExecutionDeviceKind.Cuda };
        var reason = CudaProvider.UnavailableReason(device.DeviceId);
        if (reason is null)
        {
            InferenceSession? cudaSession = null;
            var (failure, messages) = OrtNativeLog.Capture(() => cudaSession = Open(model, cuda));
            if (cudaSession is not null)
            {
                return (cudaSession, cuda.ToString());
            }

            // cuda asked for explicitly: the session's own error (a broken file is not "CUDA unavailable").
            if (failure is not ModelLoadException || device.Kind == ExecutionDeviceKind.Cuda)
            {
                ExceptionDispatchInfo.Throw(failure!);
            }

            // The provider loaded but the session did not start on it (no GPU, driver too old, out of memory).
            reason = CudaProvider.Explain(failure.InnerException?.Message ?? failure.Message, messages);
        }

        if (device.Kind == ExecutionDeviceKind.Cuda)
        {
            throw new ModelLoadException($"Model '{model.Name}' version {model.Version} could not be loaded on {cuda}: the CUDA execution provider is unavailable: {reason}");
        }

        // Only a CPU session that works proves CUDA was the problem (not a broken model file); then decide once.
        var session = Open(model, ExecutionDevice.Cpu);
        if (Interlocked.CompareExchange(ref _cpuFallbackReason, reason, null) is null)
        {
            Log.CudaUnavailable(_logger, reason);
        }

        return (session, "cpu");
    }

    private InferenceSession Open(ModelDefinition model, ExecutionDevice device)
    {
        try
        {
            OrtNativeLog.EnsureEnvironment();
            using var options = OrtSessionOptions.Create(_settings, device);
            return new InferenceSession(model.ModelPath, options);
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException or TypeInitializationException)
        {
            throw new ModelLoadException($"Model '{model.Name}' version {model.Version} could not be loaded on {device} from {model.ModelPath}: {CudaProvider.OneLine(ex.Message)}", ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Model {Model} version {Version} runs on execution provider {Provider}")]
        public static partial void Running(ILogger logger, string model, string version, string provider);

        [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "CUDA is unavailable, serving on the CPU (--device auto): {Reason}")]
        public static partial void CudaUnavailable(ILogger logger, string reason);
    }
}
