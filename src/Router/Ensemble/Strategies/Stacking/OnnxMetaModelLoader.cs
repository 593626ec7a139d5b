using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;

namespace EnsembleGrpc.Router.Ensemble.Strategies.Stacking;

/// <summary>
/// Loads meta-models from ONNX files. A linear stacker (<see cref="LinearOnnxGraph"/>, the form the training pipeline
/// writes) runs in managed code; any other graph on ONNX Runtime (CPU), which is loaded into the process only then.
/// Sessions are cached by file (path and write time), so a config reload reuses a loaded session instead of leaking a
/// new one while requests may still use the old snapshot.
/// </summary>
public sealed class OnnxMetaModelLoader : IMetaModelLoader, IDisposable
{
    /// <summary>Files larger than this are not read whole to look for the linear form: a linear stacker is tiny.</summary>
    private const long LinearFormMaxBytes = 16L << 20;

    private readonly ConcurrentDictionary<(string Path, DateTime Written), Lazy<InferenceSession>> _sessions = new();

    // Created with the first session: constructing RunOptions loads the native runtime.
    private readonly Lazy<RunOptions> _runOptions = new(() => new RunOptions());

    public IMetaModel Load(string modelPath, string inputName, string outputName)
    {
        string path = Path.GetFullPath(modelPath);
        if (new FileInfo(path).Length <= LinearFormMaxBytes
            && LinearOnnxGraph.TryRead(File.ReadAllBytes(path), out _) is { } linear)
        {
            if (linear.InputName != inputName || linear.OutputName != outputName)
            {
                throw NamesMismatch(path, [linear.InputName], [linear.OutputName], inputName, outputName);
            }

            return new LinearMetaModel(linear, path);
        }

        var session = OpenCached(path);
        if (!session.InputMetadata.ContainsKey(inputName) || !session.OutputMetadata.ContainsKey(outputName))
        {
            throw NamesMismatch(path, session.InputNames, session.OutputNames, inputName, outputName);
        }

        return new OnnxMetaModel(session, _runOptions.Value, path, inputName, outputName);
    }

    public void Dispose()
    {
        foreach (var lazy in _sessions.Values.Where(l => l.IsValueCreated))
        {
            lazy.Value.Dispose();
        }

        if (_runOptions.IsValueCreated)
        {
            _runOptions.Value.Dispose();
        }
    }

    private InferenceSession OpenCached(string path)
    {
        var key = (path, File.GetLastWriteTimeUtc(path));
        var lazy = _sessions.GetOrAdd(key, static k => new Lazy<InferenceSession>(() => Open(k.Path)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            // A failed load is not cached: the next reload tries again (the file may be fixed by then).
            _sessions.TryRemove(new KeyValuePair<(string, DateTime), Lazy<InferenceSession>>(key, lazy));
            throw;
        }
    }

    private static InvalidOperationException NamesMismatch(
        string path, IEnumerable<string> inputs, IEnumerable<string> outputs, string inputName, string outputName) =>
        new($"'{path}' has inputs [{string.Join(", ", inputs)}] and outputs [{string.Join(", ", outputs)}]; " +
            $"expected input '{inputName}' and output '{outputName}'.");

    // One thread per run and no spinning: the meta-model is tiny and shares the router's cores with gRPC work.
    private static InferenceSession Open(string path)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        return new InferenceSession(path, options);
    }
}
