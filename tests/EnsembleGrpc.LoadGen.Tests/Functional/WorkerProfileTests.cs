using System.Text.Json;
using EnsembleGrpc.InferenceServer.Hosting;
using EnsembleGrpc.LoadGen.Cli;
using Spectre.Console;

namespace EnsembleGrpc.LoadGen.Tests.Functional;

/// <summary>The whole tool, from the command line to the report files, against a real worker on 127.0.0.1.</summary>
public sealed class WorkerProfileTests
{
    [Fact]
    public async Task Profiles_a_real_worker_on_loopback_and_writes_the_report()
    {
        var root = RepoRoot();
        await using var worker = WorkerHost.Build(
            ["--repository", Path.Combine(root, "models"), "--models", "mnist_cnn_1", "--host", "127.0.0.1", "--port", "0", "--Logging:LogLevel:Default", "Warning"]);
        await worker.StartAsync();
        Assert.True(await worker.WaitUntilLoadedAsync().WaitAsync(TimeSpan.FromSeconds(60)), "mnist_cnn_1 did not load");

        var directory = Path.Combine(Path.GetTempPath(), "loadgen-functional-" + Guid.NewGuid().ToString("N"));
        var prefix = Path.Combine(directory, "profile");
        try
        {
            var command = new LoadGenCommand();
            var parse = command.Root.Parse(
            [
                "--target", $"http://127.0.0.1:{worker.Port}", "--model", "mnist_cnn_1", "--concurrency", "1,4",
                "--warmup", "300ms", "--measurement-window", "400ms", "--max-windows", "4", "--connections", "2",
                "--dataset", Path.Combine(root, "models", "data", "mnist-test.bin"), "--output", prefix, "--no-live",
            ]);
            var settings = command.Bind(parse, out var errors);
            Assert.Empty(errors);
            var text = new StringWriter();
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), Ansi = AnsiSupport.No, Interactive = InteractionSupport.No });

            var exit = await ProfileRun.ExecuteAsync(settings!, console, CancellationToken.None);

            Assert.Equal(0, exit);
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(prefix + ".json"));
            var steps = json.RootElement.GetProperty("steps");
            Assert.Equal(2, steps.GetArrayLength());
            foreach (var step in steps.EnumerateArray())
            {
                Assert.True(step.GetProperty("succeeded").GetInt64() > 0);
                Assert.Equal(1.0, step.GetProperty("success_rate").GetDouble());
                Assert.True(step.GetProperty("accuracy").GetDouble() > 0.9, "answers should match the labels of the test split");
                Assert.True(step.GetProperty("latency").GetProperty("p99_ms").GetDouble() > 0);
                var server = step.GetProperty("server");
                Assert.True(server.GetArrayLength() == 1 && server[0].GetProperty("requests").GetInt64() > 0, "ModelStatistics delta expected");
            }

            Assert.True(File.Exists(prefix + ".csv"));
            Assert.True(File.Exists(prefix + "-latency-throughput.svg"));
            Assert.Contains("concurrency 4", text.ToString());
        }
        finally
        {
            await worker.StopAsync();
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EnsembleGrpc.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }
}
