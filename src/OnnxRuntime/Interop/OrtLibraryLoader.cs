using System.Runtime.InteropServices;
using System.Text;

namespace EnsembleGrpc.OnnxRuntime.Interop;

/// <summary>
/// Finds and loads <c>libonnxruntime.so.1</c>. Order: the path configured in <see cref="OrtEnvironmentOptions.LibraryPath"/>,
/// else <c>ENSEMBLEGRPC_ORT_LIBRARY</c>, else the file beside this assembly (copied there by the build), else the
/// build's fetch cache. A configured path (option or environment variable) is authoritative: if it does not load we
/// fail rather than silently run a different ORT build (e.g. the CPU-only one when the CUDA one was asked for).
/// </summary>
internal static class OrtLibraryLoader
{
    public const string FileName = "libonnxruntime.so.1";
    public const string LibraryPathVariable = "ENSEMBLEGRPC_ORT_LIBRARY";
    public const string CacheVariable = "ENSEMBLEGRPC_CACHE";

    /// <summary>Must match tools/native/fetch-onnxruntime.sh and the csproj.</summary>
    public const string FetchedVersion = "1.30.0";

    public static (nint Handle, string Path) Load(string? configuredPath)
    {
        string? environmentPath = Environment.GetEnvironmentVariable(LibraryPathVariable);
        IReadOnlyList<string> candidates = Candidates(configuredPath, environmentPath, AssemblyDirectory(), DefaultCachePath());
        return LoadFirst(candidates, configuredPath, environmentPath);
    }

    /// <summary>The paths to try, in order (pure, for tests).</summary>
    public static IReadOnlyList<string> Candidates(string? configuredPath, string? environmentPath, string? assemblyDirectory, string? cachePath)
    {
        if (!string.IsNullOrWhiteSpace(configuredPath))
        {
            return [configuredPath];
        }

        if (!string.IsNullOrWhiteSpace(environmentPath))
        {
            return [environmentPath];
        }

        var candidates = new List<string>(2);
        if (!string.IsNullOrEmpty(assemblyDirectory))
        {
            candidates.Add(Path.Combine(assemblyDirectory, FileName));
        }

        if (!string.IsNullOrEmpty(cachePath))
        {
            candidates.Add(cachePath);
        }

        return candidates;
    }

    public static (nint Handle, string Path) LoadFirst(IReadOnlyList<string> candidates, string? configuredPath, string? environmentPath)
    {
        var tried = new StringBuilder();
        foreach (string candidate in candidates)
        {
            string full = Path.GetFullPath(candidate);
            if (!File.Exists(full))
            {
                tried.Append("\n  ").Append(full).Append(": file not found");
                continue;
            }

            try
            {
                return (NativeLibrary.Load(full), full);
            }
            catch (DllNotFoundException e)
            {
                // dlopen's reason (wrong architecture, missing dependency) is in the message.
                tried.Append("\n  ").Append(full).Append(": ").Append(e.Message);
            }
            catch (BadImageFormatException e)
            {
                tried.Append("\n  ").Append(full).Append(": ").Append(e.Message);
            }
        }

        string source = !string.IsNullOrWhiteSpace(configuredPath)
            ? "the path configured in OrtEnvironmentOptions.LibraryPath"
            : !string.IsNullOrWhiteSpace(environmentPath)
                ? $"the path in {LibraryPathVariable}"
                : $"{FileName} beside the application or in the fetch cache";
        throw new OnnxRuntimeException(OrtErrorCode.NoSuchFile,
            $"Could not load the ONNX Runtime native library from {source}. Tried:{tried}\n" +
            $"Build the solution on Linux x64 (it fetches ONNX Runtime {FetchedVersion} via tools/native/fetch-onnxruntime.sh), " +
            $"or set {LibraryPathVariable} to a libonnxruntime.so.1 (ONNX Runtime 1.30 or newer).");
    }

    /// <summary>Same path as the build's fetch script: ${ENSEMBLEGRPC_CACHE:-$HOME/.cache/ensemblegrpc}/onnxruntime/1.30.0/libonnxruntime.so.1.</summary>
    public static string? DefaultCachePath()
    {
        string? root = Environment.GetEnvironmentVariable(CacheVariable);
        if (string.IsNullOrEmpty(root))
        {
            string? home = Environment.GetEnvironmentVariable("HOME");
            if (string.IsNullOrEmpty(home))
            {
                return null;
            }

            root = Path.Combine(home, ".cache", "ensemblegrpc");
        }

        return Path.Combine(root, "onnxruntime", FetchedVersion, FileName);
    }

    private static string AssemblyDirectory()
    {
        // Location is empty for single-file apps; the app base directory is the next best "beside us".
        string location = typeof(OrtLibraryLoader).Assembly.Location;
        return string.IsNullOrEmpty(location) ? AppContext.BaseDirectory : Path.GetDirectoryName(location) ?? AppContext.BaseDirectory;
    }
}
