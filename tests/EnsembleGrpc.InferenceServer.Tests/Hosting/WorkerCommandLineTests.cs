using EnsembleGrpc.Hosting.Cli;
using EnsembleGrpc.InferenceServer.Hosting;
using EnsembleGrpc.InferenceServer.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.InferenceServer.Tests.Hosting;

/// <summary>The worker's command line as parsed in-process: what each option writes to the configuration.</summary>
public sealed class WorkerCommandLineTests
{
    [Fact]
    public void Bare_switches_mean_true_and_may_take_a_value()
    {
        var bare = Settings("--fault-hang", "--port", "0", "--allow-spinning");
        Assert.Equal("True", bare["Worker:Faults:Hang"]);
        Assert.Equal("0", bare["Worker:Port"]);
        Assert.Equal("True", bare["Worker:AllowSpinning"]);
        Assert.Equal("False", Settings("--fault-hang", "false")["Worker:Faults:Hang"]);
    }

    [Fact]
    public void Options_not_given_write_nothing_so_environment_variables_and_the_options_defaults_apply()
    {
        var settings = Settings("--port", "0");

        Assert.Equal("0", settings["Worker:Port"]);
        Assert.DoesNotContain(settings.Keys, k => k.StartsWith("Worker:", StringComparison.Ordinal) && k != "Worker:Port");
    }

    [Fact]
    public void A_repeated_option_takes_its_last_value_so_scripts_can_append_overrides()
    {
        var settings = Settings("--port", "8001", "--fault-hang", "--models", "a", "--port=0", "--fault-hang", "false");

        Assert.Equal("0", settings["Worker:Port"]);
        Assert.Equal("False", settings["Worker:Faults:Hang"]);
        Assert.Equal("a", settings["Worker:Models"]);
    }

    [Fact]
    public void Section_key_settings_pass_through_to_the_configuration_after_the_options()
    {
        var parse = WorkerCommandLine.Parse(["--Logging:LogLevel:Default", "Warning", "--concurrency", "3", "--Worker:Concurrency=4"]);

        Assert.Empty(parse.Errors);
        Assert.Contains(new KeyValuePair<string, string?>("Logging:LogLevel:Default", "Warning"), parse.Configuration);
        var concurrency = parse.Configuration.Where(p => p.Key == "Worker:Concurrency").Select(p => p.Value).ToList();
        Assert.Equal(["3", "4"], concurrency);
    }

    [Fact]
    public void Log_level_debug_opens_the_per_request_categories_and_information_keeps_them_at_warning()
    {
        var debug = Settings("--log-level", "debug");
        Assert.Equal("Debug", debug["Logging:LogLevel:Default"]);
        Assert.Equal("Debug", debug["Logging:LogLevel:Microsoft.AspNetCore"]);

        var information = Settings("--log-level", "Information");
        Assert.Equal("Information", information["Logging:LogLevel:Default"]);
        Assert.Equal("Warning", information["Logging:LogLevel:Microsoft.AspNetCore"]);
        Assert.Equal("Warning", information["Logging:LogLevel:Grpc"]);
        Assert.Equal("Information", Settings("--log-level", "Error")["Logging:LogLevel:Microsoft.Hosting.Lifetime"]);
    }

    [Fact]
    public async Task Parsed_values_reach_the_worker_options()
    {
        await using var host = WorkerHost.Build(
            ["--repository", RepoPaths.Models, "--models", "mnist_cnn_1,mnist_cnn_2", "--port", "0", "--fault-failure-rate", "0.25", "--fault-hang", "--scheduler", "direct"]);

        var options = host.Services.GetRequiredService<IOptions<WorkerOptions>>().Value;
        Assert.Equal(["mnist_cnn_1", "mnist_cnn_2"], options.ModelNames);
        Assert.Equal(0, options.Port);
        Assert.Equal(0.25, options.Faults.FailureRate);
        Assert.True(options.Faults.Hang);
        Assert.Equal("direct", options.Scheduler);
        Assert.Equal(new WorkerOptions().Concurrency, options.Concurrency);
    }

    [Theory]
    [InlineData("--port", "abc", "--port: 'abc' is not a port number (0..65535).")]
    [InlineData("--fault-failure-rate", "1,5", "--fault-failure-rate: '1,5' is not a number in 0..1.")]
    [InlineData("--log-format", "xml", "--log-format: 'xml' is not one of text, json.")]
    [InlineData("--no-such-option", "1", "--no-such-option: unknown option (--help lists them all).")]
    public void Build_throws_one_problem_per_bad_token_naming_the_option(string option, string value, string expected)
    {
        var error = Assert.Throws<CommandLineException>(() => WorkerHost.Build(["--models", "mnist_cnn_1", option, value]));

        Assert.Equal(expected, error.Errors[0]);
    }

    private static Dictionary<string, string?> Settings(params string[] args)
    {
        var parse = WorkerCommandLine.Parse(args);
        Assert.Empty(parse.Errors);
        return parse.Configuration.ToDictionary(p => p.Key, p => p.Value);
    }
}
