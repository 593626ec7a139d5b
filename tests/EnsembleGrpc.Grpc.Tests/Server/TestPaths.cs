namespace EnsembleGrpc.Grpc.Tests.Server;

/// <summary>The :path of each TestService method.</summary>
internal static class TestPaths
{
    public const string Echo = "/grpc.testing.ensemble.TestService/Echo";
    public const string Stream = "/grpc.testing.ensemble.TestService/Stream";
}
