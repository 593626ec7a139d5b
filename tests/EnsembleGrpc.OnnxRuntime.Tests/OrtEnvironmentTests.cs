namespace EnsembleGrpc.OnnxRuntime.Tests;

public sealed class OrtEnvironmentTests
{
    [Fact]
    public void IsOnePerProcessAndLoadsTheLibraryBesideTheTests()
    {
        OrtEnvironment environment = OrtEnvironment.GetOrCreate();
        Assert.Same(environment, OrtEnvironment.GetOrCreate());
        Assert.Same(environment, OrtEnvironment.GetOrCreate(new OrtEnvironmentOptions())); // equal options are fine
        Assert.Equal("1.30.0", environment.Version);
        Assert.StartsWith("ORT Build Info:", environment.BuildInfo);
        // The build copies the fetched library into every referencing project's output directory.
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "libonnxruntime.so.1"), environment.LibraryPath);
    }

    [Fact]
    public void DifferentOptionsAfterCreationAreAnError()
    {
        OrtEnvironment.GetOrCreate();
        var error = Assert.Throws<InvalidOperationException>(() => OrtEnvironment.GetOrCreate(new OrtEnvironmentOptions { LoggingLevel = OrtLoggingLevel.Verbose }));
        Assert.Contains("once per process", error.Message);
    }

    [Fact]
    public void ListsTheCpuProvider()
    {
        IReadOnlyList<string> providers = OrtEnvironment.GetOrCreate().GetAvailableProviders();
        Assert.Contains("CPUExecutionProvider", providers);
        Assert.Contains("CUDAExecutionProvider", providers); // compiled in, though not usable here (see SessionOptionsTests)
    }
}
