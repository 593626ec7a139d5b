using EnsembleGrpc.Tests.Shared;

namespace EnsembleGrpc.Router.Tests.Hosting;

/// <summary>The router's --http-port on the built executable: listed by --help, checked with every other option.</summary>
public sealed class RouterHttpPortProcessTests
{
    private const string Dll = "EnsembleGrpc.Router.dll";

    [Fact]
    public async Task Help_lists_the_http_port_off_by_default()
    {
        await using var router = ServerProcess.Start(Dll, "--help");

        Assert.Equal(0, await router.WaitForExitAsync());
        var line = Assert.Single(router.Output, l => l.TrimStart().StartsWith("--http-port ", StringComparison.Ordinal));
        Assert.Contains("Default: off", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_http_port_out_of_range_or_equal_to_the_grpc_port_exits_2_naming_it()
    {
        await using var outside = ServerProcess.Start(Dll, "--http-port", "70000");
        await using var same = ServerProcess.Start(Dll, "--port", "8100", "--http-port", "8100");

        Assert.Equal(2, await outside.WaitForExitAsync());
        Assert.Contains("error: --http-port: 70000 is outside 0..65535", outside.Errors);
        Assert.Equal(2, await same.WaitForExitAsync());
        Assert.Contains("error: --http-port: 8100 is also the gRPC --port; give each its own", same.Errors);
    }
}
