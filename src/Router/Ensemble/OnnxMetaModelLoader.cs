using System.Collections.Concurrent;
using EnsembleGrpc.OnnxRuntime;

namespace EnsembleGrpc.Router.Ensemble;

/// <summary>
/// Loads meta-models with the ONNX Runtime binding. Sessions are cached by file (path and write time), so a config
/// reload reuses a loaded session instead of leaking a new one while requests may still use the old snapshot.
/// </summary>
public sealed class OnnxMetaModelLoader : IMetaModelLoader, IDisposable
{
    // One thread per run and no spinning: the meta-model is tiny and shares the router's cores with gRPC work.
    private static readonly SessionOptions Options = new() { IntraOpThreads = 1, InterOpThreads = 1, AllowSpinning = false };

    private readonly ConcurrentDictionary<(string Path, DateTime Written), Lazy<InferenceSession>> _sessions = new();

    public IMetaModel Load(string modelPath, string inputName, string outputName)
    {
        string path = Path.GetFullPath(modelPath);
        var key = (path, File.GetLastWriteTimeUtc(path));
        var lazy = _sessions.GetOrAdd(key, static k => new Lazy<InferenceSession>(() => new InferenceSession(k.Path, Options)));
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

        if (session.Inputs.All(i => i.Name != inputName) || session.Outputs.All(o => o.Name != outputName))
        {
            throw new InvalidOperationException(
                $"'{path}' has inputs [{string.Join(", ", session.Inputs.Select(i => i.Name))}] and outputs " +
                $"[{string.Join(", ", session.Outputs.Select(o => o.Name))}]; expected input '{inputName}' and output '{outputName}'.");
        }

        return new OnnxMetaModel(session, inputName, outputName);
    }

    public void Dispose()
    {
        foreach (var lazy in _sessions.Values.Where(l => l.IsValueCreated))
        {
            lazy.Value.Dispose();
        }
    }
}
