using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace EnsembleGrpc.InferenceServer.Execution;

/// <summary>
/// ONNX Runtime's process-wide environment, created once with a logging callback instead of ORT's own coloured
/// stderr lines. Why a provider failed to load (which CUDA or cuDNN library is missing) is only in those native
/// messages, not in the exception, so a caller can capture what its own thread logged during a call.
/// Other warnings and errors go to the logger given to <see cref="ForwardTo"/> (the worker's), otherwise nowhere.
/// </summary>
public static partial class OrtNativeLog
{
    private static readonly DOrtLoggingFunction Callback = OnLog;
    private static readonly Lazy<OrtEnv> Environment = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    [ThreadStatic]
    private static List<string>? _captured;

    private static ILogger? _sink;

    /// <summary>Sends ORT's native warnings and errors to <paramref name="logger"/> from now on (the worker's, at start-up).</summary>
    public static void ForwardTo(ILogger logger) => _sink = logger;

    /// <summary>Creates the environment with the callback unless something created it first (then ORT logs itself).</summary>
    public static void EnsureEnvironment() => _ = Environment.Value;

    /// <summary>
    /// Runs <paramref name="action"/>; returns what it threw (null when nothing) and the native warnings and errors
    /// it logged on this thread meanwhile.
    /// </summary>
    public static (Exception? Failure, IReadOnlyList<string> Messages) Capture(Action action)
    {
        var previous = _captured;
        var messages = new List<string>();
        _captured = messages;
        try
        {
            EnsureEnvironment();
            action();
            return (null, messages);
        }
        catch (Exception ex)
        {
            return (ex, messages);
        }
        finally
        {
            _captured = previous;
        }
    }

    private static OrtEnv Create()
    {
        if (OrtEnv.IsCreated)
        {
            return OrtEnv.Instance();
        }

        var options = new EnvironmentCreationOptions
        {
            logId = "ensemblegrpc",
            logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
            loggingFunction = Callback,
        };
        return OrtEnv.CreateInstanceWithOptions(ref options);
    }

    private static void OnLog(IntPtr param, OrtLoggingLevel severity, string category, string logId, string codeLocation, string message)
    {
        // A captured message belongs to the caller, who reports it in its own words (once).
        if (_captured is { } captured)
        {
            captured.Add(message);
            return;
        }

        if (_sink is { } sink)
        {
            Native(sink, severity >= OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR ? LogLevel.Error : LogLevel.Warning, message);
        }
    }

    [LoggerMessage(EventId = 310, Message = "ONNX Runtime: {Message}")]
    private static partial void Native(ILogger logger, LogLevel level, string message);
}
