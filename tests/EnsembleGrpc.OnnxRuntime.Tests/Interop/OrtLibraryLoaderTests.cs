using EnsembleGrpc.OnnxRuntime.Interop;

namespace EnsembleGrpc.OnnxRuntime.Tests.Interop;

public sealed class OrtLibraryLoaderTests
{
    [Fact]
    public void WithoutConfigurationTheFileBesideTheAssemblyComesBeforeTheCache()
    {
        IReadOnlyList<string> candidates = OrtLibraryLoader.Candidates(null, null, "/app", "/cache/libonnxruntime.so.1");
        Assert.Equal(["/app/libonnxruntime.so.1", "/cache/libonnxruntime.so.1"], candidates);
    }

    [Fact]
    public void AConfiguredPathWinsOverTheEnvironmentVariableAndIsTheOnlyCandidate()
    {
        Assert.Equal(["/opt/gpu/libonnxruntime.so.1"], OrtLibraryLoader.Candidates("/opt/gpu/libonnxruntime.so.1", "/env/lib.so", "/app", "/cache/x"));
        Assert.Equal(["/env/lib.so"], OrtLibraryLoader.Candidates(null, "/env/lib.so", "/app", "/cache/x"));
    }

    [Fact]
    public void DefaultCachePathMatchesTheFetchScript()
    {
        string? root = Environment.GetEnvironmentVariable(OrtLibraryLoader.CacheVariable);
        string expectedRoot = string.IsNullOrEmpty(root) ? Path.Combine(Environment.GetEnvironmentVariable("HOME")!, ".cache", "ensemblegrpc") : root;
        Assert.Equal(Path.Combine(expectedRoot, "onnxruntime", "1.30.0", "libonnxruntime.so.1"), OrtLibraryLoader.DefaultCachePath());
        string script = File.ReadAllText(Path.Combine(Fixtures.Paths.RepositoryRoot, "tools", "native", "fetch-onnxruntime.sh"));
        Assert.Contains($"ORT_VERSION=\"{OrtLibraryLoader.FetchedVersion}\"", script);
    }

    [Fact]
    public void WhenNothingLoadsTheErrorNamesEveryPathTriedAndWhy()
    {
        string directory = Directory.CreateTempSubdirectory("ortload").FullName;
        try
        {
            string notALibrary = Path.Combine(directory, "libonnxruntime.so.1");
            File.WriteAllText(notALibrary, "not an ELF file");
            string missing = Path.Combine(directory, "missing", "libonnxruntime.so.1");
            var error = Assert.Throws<OnnxRuntimeException>(() => OrtLibraryLoader.LoadFirst([notALibrary, missing], null, null));
            Assert.Equal(OrtErrorCode.NoSuchFile, error.ErrorCode);
            Assert.Contains(notALibrary + ": ", error.Message);
            Assert.Contains(missing + ": file not found", error.Message);
            Assert.Contains("ENSEMBLEGRPC_ORT_LIBRARY", error.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void AConfiguredPathThatDoesNotLoadIsReportedAsConfigured()
    {
        var error = Assert.Throws<OnnxRuntimeException>(() => OrtLibraryLoader.LoadFirst(["/nonexistent/libonnxruntime.so.1"], "/nonexistent/libonnxruntime.so.1", null));
        Assert.Contains("OrtEnvironmentOptions.LibraryPath", error.Message);
        Assert.Contains("/nonexistent/libonnxruntime.so.1: file not found", error.Message);
    }
}
