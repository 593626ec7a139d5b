using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;

namespace EnsembleGrpc.Router.Ensemble.Strategies.Stacking;

/// <summary>
/// Loads meta-models on ONNX Runtime (CPU). Sessions are cached by file (path and write time), so a config reload
/// reuses a loaded session instead of leaking a new one while requests may still use the old snapshot.
/// </summary>
public sealed class OnnxMetaModelLoader : IMetaModelLoader, IDisposable
{
    private readonly ConcurrentDictionary<(string Path, DateTime Written), Lazy<InferenceSession>> _sessions = new();
    private readonly RunOptions _runOptions = new();

    public IMetaModel Load(string modelPath, string inputName, string outputName)
    {
        string path = Path.GetFullPath(modelPath);
        var key = (path, File.GetLastWriteTimeUtc(path));
        var lazy = _sessions.GetOrAdd(key, static k => new Lazy<InferenceSession>(() => Open(k.Path)));
        InferenceSession session;
        try
        {
            session = lazy.Value;
        }
        catch
        {
            // A failed load is not cached: the next reload tries again (the file may be fixed by then).
            _sessions.TryRemove(new KeyValuePair<(string, DateTime), Lazy<InferenceSession>>(key, lazy));
            throw;
        }

        if (!session.InputMetadata.ContainsKey(inputName) || !session.OutputMetadata.ContainsKey(outputName))
        {
            throw new InvalidOperationException(
                $"'{path}' has inputs [{string.Join(", ", session.InputNames)}] and outputs " +
                $"[{string.Join(", ", session.OutputNames)}]; expected input '{inputName}' and output '{outputName}'.");
        }

        return new OnnxMetaModel(session, _runOptions, path, inputName, outputName);
    }

    public void Dispose()
    {
        foreach (var lazy in _sessions.Values.Where(l => l.IsValueCreated))
        {
            lazy.Value.Dispose();
        }

        _runOptions.Dispose();
    }

    // One thread per run and no spinning: the meta-model is tiny and shares the router's cores with gRPC work.
    private static InferenceSession Open(string path)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        return new InferenceSession(path, options);
    }
}
