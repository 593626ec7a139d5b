using System.Globalization;
using System.Net;
using System.Net.Sockets;
using EnsembleGrpc.Router.Tests.Hosting;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Tests.Shared;

namespace EnsembleGrpc.Router.Tests.Security;

/// <summary>The security options against the built router executable, as an operator runs it.</summary>
public sealed class RouterSecurityProcessTests
{
    private const string Dll = "EnsembleGrpc.Router.dll";

    [Fact]
    public async Task A_taken_admin_port_prints_one_line_naming_it_and_exits_3()
    {
        using var files = new TestFiles();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        await using var router = ServerProcess.Start(
            Dll, "--config", files.Write("routing.json", RoutingFiles.OneMember("http://127.0.0.1:1")), "--state", "none", "--watch", "false", "--warmup", "false",
            "--port", "0", "--admin-port", port.ToString(CultureInfo.InvariantCulture));

        Assert.Equal(3, await router.WaitForExitAsync());
        var error = Assert.Single(router.Errors);
        Assert.StartsWith($"error: cannot listen on 127.0.0.1:{port}: the address is already in use", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_security_options_print_one_line_each_and_exit_2()
    {
        using var files = new TestFiles();
        string missing = Path.Combine(files.Directory, "missing.pem");
        await using var router = ServerProcess.Start(
            Dll, "--config", files.Write("routing.json", RoutingFiles.OneMember("http://127.0.0.1:1")), "--state", "none", "--watch", "false", "--warmup", "false",
            "--port", "8000", "--admin-port", "8000", "--tls-cert", missing, "--worker-key", missing);

        Assert.Equal(2, await router.WaitForExitAsync());
        Assert.Contains("error: --admin-port: 8000 is the main port; leave it out to serve admin calls there", router.Errors);
        Assert.Contains($"error: --tls-cert: file '{missing}' does not exist", router.Errors);
        Assert.Contains("error: --worker-key: a key needs a certificate (--worker-cert)", router.Errors);
    }
}
