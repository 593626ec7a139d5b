using EnsembleGrpc.Tests.Shared;
using System.Net;
using System.Net.Sockets;
using EnsembleGrpc.InferenceServer.Tests.Support;

namespace EnsembleGrpc.InferenceServer.Tests.Hosting;

/// <summary>The worker's command line against the built executable, as a user runs it.</summary>
public sealed class WorkerCommandLineProcessTests
{
    private const string Dll = "EnsembleGrpc.InferenceServer.dll";

    /// <summary>Every option scripts, tests and the README use, with the default the help must show ("" when it has none).</summary>
    public static TheoryData<string> HelpSwitches => ["--help", "-h", "-?"];

    private static readonly (string Option, string Default)[] Options =
    [
        ("--repository", "[default: models]"), ("--models", "required"), ("--host", "[default: 127.0.0.1]"), ("--port", "[default: 8001]"),
        ("--device", "[default: "), ("--intra-op-threads", "[default: 1]"), ("--inter-op-threads", "[default: 1]"),
        ("--allow-spinning", "[default: false]"), ("--concurrency", "[default: 2]"), ("--scheduler", "[default: dynamic]"),
        ("--max-batch-size", "(default: the model's config.json"), ("--max-queue-delay-us", "(default: the model's config.json"),
        ("--max-queue-size", "(default: the model's config.json"), ("--max-receive-message-size", "[default: 16777216]"),
        ("--shutdown-timeout-s", "[default: 30]"), ("--exit-on-load-error", "[default: true]"), ("--detailed-errors", "[default: false]"),
        ("--fault-latency-ms", "[default: 0]"), ("--fault-failure-rate", "[default: 0]"), ("--fault-failure-status", "[default: unavailable]"),
        ("--fault-hang", "[default: false]"), ("--fault-models", "(default: every served model)"), ("--fault-seed", "(default: random)"),
        ("--log-level", "[default: Information]"), ("--log-format", "[default: text]"),
    ];

    [Theory]
    [MemberData(nameof(HelpSwitches))]
    public async Task Help_lists_every_option_with_its_default_and_exits_0_without_starting_a_server(string help)
    {
        await using var worker = ServerProcess.Start(Dll, help);

        Assert.Equal(0, await worker.WaitForExitAsync());
        foreach (var (option, defaultValue) in Options)
        {
            var line = Assert.Single(worker.Output, l => l.TrimStart().StartsWith(option + " ", StringComparison.Ordinal));
            Assert.Contains(defaultValue, line, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(worker.Output, l => l.Contains("--ort-library", StringComparison.Ordinal));
        Assert.DoesNotContain(worker.Output, l => l.StartsWith("info:", StringComparison.Ordinal));
        Assert.Empty(worker.Errors);
    }

    [Fact]
    public async Task Version_prints_the_version_and_exits_0()
    {
        await using var worker = ServerProcess.Start(Dll, "--version");

        Assert.Equal(0, await worker.WaitForExitAsync());
        Assert.Matches(@"^\d+\.\d+\.\d+", Assert.Single(worker.Output));
    }

    [Theory]
    [InlineData("--port: 'abc' is not a port number (0..65535).", "--port", "abc")]
    [InlineData("--no-such-option: unknown option (--help lists them all).", "--no-such-option")]
    [InlineData("--concurrency: 'two' is not a whole number (1..64).", "--concurrency", "two")]
    public async Task A_bad_command_line_prints_one_line_naming_the_option_and_exits_2(string expected, params string[] args)
    {
        await using var worker = ServerProcess.Start(Dll, ["--models", "mnist_cnn_1", .. args]);

        Assert.Equal(2, await worker.WaitForExitAsync());
        Assert.Equal("error: " + expected, Assert.Single(worker.Errors));
        Assert.Empty(worker.Output);
    }

    [Fact]
    public async Task An_out_of_range_port_is_reported_with_the_accepted_range_and_exits_2()
    {
        await using var worker = ServerProcess.Start(Dll, "--repository", RepoPaths.Models, "--models", "mnist_cnn_1", "--port", "70000");

        Assert.Equal(2, await worker.WaitForExitAsync());
        Assert.Equal("error: --port: 70000 is outside 0..65535", Assert.Single(worker.Errors));
    }

    [Fact]
    public async Task A_port_in_use_prints_one_line_naming_the_address_and_exits_3()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        await using var worker = ServerProcess.Start(Dll, "--repository", RepoPaths.Models, "--models", "mnist_cnn_1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(3, await worker.WaitForExitAsync());
        var error = Assert.Single(worker.Errors);
        Assert.StartsWith($"error: cannot listen on 127.0.0.1:{port}: the address is already in use", error, StringComparison.Ordinal);
        Assert.DoesNotContain(worker.Output, l => l.Contains("Exception", StringComparison.Ordinal) || l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }
}
