using EnsembleGrpc.Tests.Shared;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using EnsembleGrpc.Router.Tests.Support;

namespace EnsembleGrpc.Router.Tests.Hosting;

/// <summary>The router's command line against the built executable, as a user runs it.</summary>
public sealed class RouterCommandLineProcessTests
{
    private const string Dll = "EnsembleGrpc.Router.dll";

    private static readonly (string Option, string Default)[] Options =
    [
        ("--config", "[default: config/routing.json]"), ("--state", "Default: router-state.db beside the routing file"),
        ("--host", "[default: 127.0.0.1]"), ("--port", "[default: 8000]"), ("--watch", "[default: true]"),
        ("--ledger-capacity", "[default: 100000]"), ("--warmup", "[default: true]"), ("--warmup-timeout-ms", "[default: 10000]"),
        ("--warmup-calls", "[default: 3]"), ("--log-level", "[default: Information]"), ("--log-format", "[default: text]"),
    ];

    public static TheoryData<string> HelpSwitches => ["--help", "-h", "-?"];

    [Theory]
    [MemberData(nameof(HelpSwitches))]
    public async Task Help_lists_every_option_with_its_default_and_exits_0_without_starting_a_router(string help)
    {
        await using var router = ServerProcess.Start(Dll, help);

        Assert.Equal(0, await router.WaitForExitAsync());
        foreach (var (option, defaultValue) in Options)
        {
            var line = Assert.Single(router.Output, l => l.TrimStart().StartsWith(option + " ", StringComparison.Ordinal));
            Assert.Contains(defaultValue, line, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(router.Output, l => l.StartsWith("info:", StringComparison.Ordinal));
        Assert.Empty(router.Errors);
    }

    [Fact]
    public async Task Version_prints_the_version_and_exits_0()
    {
        await using var router = ServerProcess.Start(Dll, "--version");

        Assert.Equal(0, await router.WaitForExitAsync());
        Assert.Matches(@"^\d+\.\d+\.\d+", Assert.Single(router.Output));
    }

    [Theory]
    [InlineData("--port: 'abc' is not a port number (0..65535).", "--port", "abc")]
    [InlineData("--no-such-option: unknown option (--help lists them all).", "--no-such-option")]
    [InlineData("--watch: 'maybe' is not true or false (the switch alone means true).", "--watch", "maybe")]
    public async Task A_bad_command_line_prints_one_line_naming_the_option_and_exits_2(string expected, params string[] args)
    {
        await using var router = ServerProcess.Start(Dll, args);

        Assert.Equal(2, await router.WaitForExitAsync());
        Assert.Equal("error: " + expected, Assert.Single(router.Errors));
        Assert.Empty(router.Output);
    }

    [Fact]
    public async Task An_invalid_configuration_lists_every_problem_and_exits_2()
    {
        await using var router = ServerProcess.Start(Dll, "--port", "70000", "--host", "router.example", "--warmup-calls", "0");

        Assert.Equal(2, await router.WaitForExitAsync());
        Assert.Equal(
            ["error: --host: 'router.example' is not an IP address (or 'localhost')", "error: --port: 70000 is outside 0..65535", "error: --warmup-calls: 0 must be 1 or more"],
            router.Errors);
    }

    [Fact]
    public async Task A_port_in_use_prints_one_line_naming_the_address_and_exits_3()
    {
        using var files = new TestFiles();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        await using var router = ServerProcess.Start(
            Dll, "--config", files.Write("routing.json", RoutingFiles.OneMember("http://127.0.0.1:1")), "--state", "none", "--watch", "false", "--warmup", "false",
            "--port", port.ToString(CultureInfo.InvariantCulture));

        Assert.Equal(3, await router.WaitForExitAsync());
        var error = Assert.Single(router.Errors);
        Assert.StartsWith($"error: cannot listen on 127.0.0.1:{port}: the address is already in use", error, StringComparison.Ordinal);
        Assert.DoesNotContain(router.Output, l => l.Contains("Exception", StringComparison.Ordinal) || l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }
}
