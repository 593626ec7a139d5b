namespace EnsembleGrpc.InferenceServer.Hosting;

/// <summary>
/// <c>dotnet run --project src/InferenceServer -- --repository models --models mnist_cnn_1 --port 8001</c>
/// (every option with its default: <c>--help</c>, built by <see cref="WorkerCommandLine"/>; meanings: <see cref="WorkerOptions"/>).
/// </summary>
public static class Program
{
    public static Task<int> Main(string[] args) => WorkerHost.RunAsync(args);
}
