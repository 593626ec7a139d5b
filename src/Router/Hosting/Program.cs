namespace EnsembleGrpc.Router.Hosting;

/// <summary>
/// <c>dotnet run --project src/Router -- --config config/routing.json --port 8000</c>
/// (every option with its default: <c>--help</c>, built by <see cref="RouterCommandLine"/>; meanings: <see cref="RouterOptions"/>;
/// the routing file: config/README.md).
/// </summary>
public static class Program
{
    public static Task<int> Main(string[] args) => RouterHost.RunAsync(args);
}
