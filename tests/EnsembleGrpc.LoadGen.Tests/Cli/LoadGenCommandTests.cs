using EnsembleGrpc.LoadGen.Cli;
using EnsembleGrpc.LoadGen.Faults;
using EnsembleGrpc.LoadGen.Load;

namespace EnsembleGrpc.LoadGen.Tests.Cli;

public sealed class LoadGenCommandTests
{
    private static readonly string Dataset = Path.Combine(AppContext.BaseDirectory, "tiny.egds");

    static LoadGenCommandTests() => File.WriteAllBytes(Dataset, EnsembleGrpc.Datasets.EgdsDataset.Serialize(2, 2, new byte[8], [1, 2]));

    private static (RunSettings? Settings, IReadOnlyList<string> Errors) Bind(params string[] args)
    {
        var command = new LoadGenCommand();
        var parse = command.Root.Parse([.. args, "--dataset", Dataset]);
        Assert.Empty(parse.Errors);
        var settings = command.Bind(parse, out var errors);
        return (settings, errors);
    }

    [Fact]
    public void The_documented_example_is_a_concurrency_sweep()
    {
        var (settings, errors) = Bind("--target", "http://127.0.0.1:8001", "--model", "mnist_cnn_1", "--concurrency", "1:64:x2", "--measurement-window", "2s", "--output", "out/profile");

        Assert.Empty(errors);
        Assert.Equal(RunMode.ConcurrencySweep, settings!.Mode);
        Assert.Equal([1, 2, 4, 8, 16, 32, 64], settings.Concurrency);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.Window);
        Assert.Equal("out/profile", settings.OutputPrefix);
        Assert.Equal(4, settings.Connections);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.Deadline);
    }

    [Fact]
    public void Rates_search_and_fault_modes()
    {
        var sweep = Bind("-t", "http://h:1", "-m", "m", "--rate", "100:300:100", "--arrivals", "poisson", "--strategy", "vote", "--routing-key", "user-{i}").Settings!;
        Assert.Equal(RunMode.RateSweep, sweep.Mode);
        Assert.Equal([100, 200, 300], sweep.Rates);
        Assert.Equal(ArrivalKind.Poisson, sweep.Arrivals);
        Assert.Equal("user-{i}", sweep.RoutingKeyPattern);

        var search = Bind("-t", "http://h:1", "-m", "m", "--rate", "100:5000", "--search-p99", "20ms").Settings!;
        Assert.Equal(RunMode.RateSearch, search.Mode);
        Assert.Equal(TimeSpan.FromMilliseconds(20), search.SearchP99);

        var fault = Bind("-t", "http://h:1", "-m", "m", "--rate", "500", "--fault-start", "10s", "--fault-duration", "5s", "--fault-worker-command", "dotnet w.dll", "--fault-action", "stop").Settings!;
        Assert.Equal(RunMode.Fault, fault.Mode);
        Assert.Equal(FaultAction.Stop, fault.Fault!.Action);
        Assert.Equal(TimeSpan.FromSeconds(25), fault.Fault.Plan.RunDuration);
    }

    [Fact]
    public void Feedback_and_a_followed_rollout()
    {
        var rollout = Bind("-t", "http://h:1", "-m", "mnist", "--rate", "100", "--feedback", "--admin-token", "demo-token", "--rollout", "mnist", "--rollout-poll", "250ms", "--duration", "90s").Settings!;
        Assert.Equal(RunMode.Rollout, rollout.Mode);
        Assert.True(rollout.Feedback);
        Assert.Equal("demo-token", rollout.AdminToken);
        Assert.Equal(("mnist", TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(90)), (rollout.Rollout!.Ensemble, rollout.Rollout.Poll, rollout.Rollout.MaxDuration));

        var defaults = Bind("-t", "http://h:1", "-m", "mnist", "--concurrency", "4", "--rollout", "mnist").Settings!;
        Assert.Equal((false, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)), (defaults.Feedback, defaults.Rollout!.Poll, defaults.Rollout.MaxDuration));

        var (settings, errors) = Bind("-t", "http://h:1", "-m", "mnist", "--rate", "100:200:100", "--feedback", "--admin-token", "", "--input", "random", "--rollout", "mnist", "--rollout-poll", "0s");
        Assert.Null(settings);
        Assert.Equal(
            [
                "--rollout: one load level only (--rate N or --concurrency N), without a fault or a search.",
                "--feedback needs the router's admin token: --admin-token or $ENSEMBLEGRPC_ADMIN_TOKEN.",
                "--feedback needs labels: --input dataset.",
                "--rollout-poll: '0s' is not a positive duration (e.g. 500ms, 1s).",
            ],
            errors);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var (settings, errors) = Bind("-t", "localhost:8001", "-m", "m", "--concurrency", "8:1", "--rate", "10", "--deadline", "soon", "--connections", "0", "--param", "novalue");

        Assert.Null(settings);
        Assert.Contains(errors, e => e.StartsWith("--target", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("--concurrency", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("--deadline", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("--connections", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("--param", StringComparison.Ordinal));
        Assert.True(errors.Count >= 5);
    }

    [Fact]
    public void Fault_scenario_needs_a_window_and_one_way_to_inject()
    {
        var (_, errors) = Bind("-t", "http://h:1", "-m", "m", "--fault-start", "1s");
        Assert.Contains(errors, e => e.Contains("--fault-duration", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("--fault-worker-command", StringComparison.Ordinal));
    }

    [Fact]
    public void Help_lists_the_options()
    {
        var output = new StringWriter();
        var command = new LoadGenCommand();
        command.Root.Parse(["--help"]).Invoke(new System.CommandLine.InvocationConfiguration { Output = output });
        var help = output.ToString();

        foreach (var option in new[] { "--target", "--concurrency", "--rate", "--search-p99", "--measurement-window", "--fault-start", "--output", "1:64:x2" })
        {
            Assert.Contains(option, help);
        }
    }

    [Theory]
    [InlineData("8", new double[] { 8 })]
    [InlineData("1,2,8", new double[] { 1, 2, 8 })]
    [InlineData("1:64:x2", new double[] { 1, 2, 4, 8, 16, 32, 64 })]
    [InlineData("1:10:x3", new double[] { 1, 3, 9, 10 })]
    [InlineData("100:300:100", new double[] { 100, 200, 300 })]
    [InlineData("1:3", new double[] { 1, 2, 3 })]
    public void Load_levels(string text, double[] expected)
    {
        Assert.True(LoadLevels.TryParse(text, out var levels, out var error), error);
        Assert.Equal(expected, levels);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("5:1")]
    [InlineData("1:8:x1")]
    [InlineData("a:b")]
    public void Bad_load_levels(string text) => Assert.False(LoadLevels.TryParse(text, out _, out _));

    [Theory]
    [InlineData("2s", 2000)]
    [InlineData("500ms", 500)]
    [InlineData("250us", 0.25)]
    [InlineData("1.5", 1500)]
    [InlineData("1m", 60000)]
    public void Durations_parse(string text, double milliseconds)
    {
        Assert.True(Durations.TryParse(text, out var value));
        Assert.Equal(milliseconds, value.TotalMilliseconds, 6);
    }

    [Fact]
    public void Server_statistics_default_to_the_targets_model_and_can_name_any_server_and_model()
    {
        var plain = Bind("-t", "http://127.0.0.1:8000/", "-m", "mnist").Settings!;
        Assert.Equal([new StatisticsSource("http://127.0.0.1:8000", "mnist")], ProfileRun.StatisticsSources(plain));

        var none = Bind("-t", "http://127.0.0.1:8000", "-m", "mnist", "--no-server-stats").Settings!;
        Assert.Empty(ProfileRun.StatisticsSources(none));

        var (settings, errors) = Bind("-t", "http://127.0.0.1:8000", "-m", "mnist",
            "--server-stats", "http://127.0.0.1:8000=mnist", "--server-stats", "http://127.0.0.1:8001", "--server-stats", "http://127.0.0.1:8002/=mnist_cnn_2");
        Assert.Empty(errors);
        Assert.Equal(
            [new StatisticsSource("http://127.0.0.1:8000", "mnist"), new StatisticsSource("http://127.0.0.1:8001", null), new StatisticsSource("http://127.0.0.1:8002", "mnist_cnn_2")],
            ProfileRun.StatisticsSources(settings!));
        Assert.Equal("http://127.0.0.1:8001", settings!.ServerStatisticsTargets[1].ToString());
        Assert.Equal("http://127.0.0.1:8002=mnist_cnn_2", settings.ServerStatisticsTargets[2].ToString());
    }

    [Fact]
    public void A_server_statistics_source_needs_an_http_url_and_a_model_after_the_equals_sign()
    {
        var (_, errors) = Bind("-t", "http://h:1", "-m", "m", "--server-stats", "localhost:8001", "--server-stats", "http://h:2=");
        Assert.Equal(2, errors.Count(e => e.StartsWith("--server-stats", StringComparison.Ordinal)));
    }

    [Fact]
    public void Input_and_output_names_default_to_the_metadata_and_an_empty_output_means_every_output()
    {
        var plain = Bind("-t", "http://h:1", "-m", "m").Settings!;
        Assert.Null(plain.InputName);
        Assert.False(plain.OutputNameGiven);

        var named = Bind("-t", "http://h:1", "-m", "m", "--input-name", "pixels", "--output-name", "scores").Settings!;
        Assert.Equal("pixels", named.InputName);
        Assert.True(named.OutputNameGiven);
        Assert.Equal("scores", named.OutputName);

        var every = Bind("-t", "http://h:1", "-m", "m", "--output-name", "").Settings!;
        Assert.True(every.OutputNameGiven);
        Assert.Null(every.OutputName);
    }

    [Fact]
    public void The_step_time_limit_is_optional_and_must_cover_warm_up_and_a_window()
    {
        Assert.Null(Bind("-t", "http://h:1", "-m", "m").Settings!.MaxStepTime);
        Assert.Equal(TimeSpan.FromMinutes(2), Bind("-t", "http://h:1", "-m", "m", "--max-step-time", "2m").Settings!.MaxStepTime);

        var (settings, errors) = Bind("-t", "http://h:1", "-m", "m", "--warmup", "2s", "-w", "2s", "--max-step-time", "3s");
        Assert.Null(settings);
        Assert.Equal(["--max-step-time must be longer than --warmup plus one --measurement-window."], errors);
    }
}
