using System.Text.Json;
using EnsembleGrpc.LoadGen.Cli;
using Spectre.Console;

namespace EnsembleGrpc.LoadGen.Tests.Functional;

/// <summary>
/// The command line against a real worker on 127.0.0.1: a run the model's metadata rejects never starts (exit 2, one
/// line naming what is wrong), and the default open loop (constant arrivals) above 400/s measures windows.
/// </summary>
public sealed class RunChecksTests(LoopbackWorker worker) : IClassFixture<LoopbackWorker>
{
    private static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        var command = new LoadGenCommand();
        var settings = command.Bind(command.Root.Parse([.. args, "--dataset", LoopbackWorker.Dataset, "--no-live", "--connections", "1"]), out var errors);
        Assert.Empty(errors);
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), Ansi = AnsiSupport.No, Interactive = InteractionSupport.No });
        console.Profile.Width = 250; // the error is one line; a narrow console would wrap it
        var exit = await ProfileRun.ExecuteAsync(settings!, console, CancellationToken.None);
        return (exit, text.ToString());
    }

    [Fact]
    public async Task An_unknown_model_fails_fast_naming_the_models_the_worker_has()
    {
        var (exit, output) = await RunAsync("-t", worker.Target, "-m", "mnist_cnn_9", "--rate", "100");

        Assert.Equal(ExitCodes.InvalidRun, exit);
        Assert.Contains($"error: model 'mnist_cnn_9' not found at {worker.Target}", output, StringComparison.Ordinal);
        Assert.Contains("it serves: mnist_cnn_1", output, StringComparison.Ordinal);
        Assert.DoesNotContain("offered load", output, StringComparison.Ordinal); // nothing was run
    }

    [Fact]
    public async Task A_shape_the_model_does_not_take_fails_fast_with_both_shapes()
    {
        var (exit, output) = await RunAsync("-t", worker.Target, "-m", "mnist_cnn_1", "--input", "random", "--input-shape", "1,32,32", "-c", "1");

        Assert.Equal(ExitCodes.InvalidRun, exit);
        Assert.Contains("error: model 'mnist_cnn_1' input 'input' takes [-1,1,28,28]; LoadGen would send [1,1,32,32]", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Constant_arrivals_at_1000_per_second_close_their_windows()
    {
        // Before the send loop yielded, this step never closed a window: the loop spun without returning.
        var directory = Path.Combine(Path.GetTempPath(), "loadgen-rate-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, output) = await RunAsync(
                "-t", worker.Target, "-m", "mnist_cnn_1", "--rate", "1000", "--warmup", "200ms", "-w", "300ms", "--max-windows", "3",
                "--max-step-time", "20s", "--output", Path.Combine(directory, "run"));

            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "run.json")));
            var step = json.RootElement.GetProperty("steps")[0];
            Assert.True(step.GetProperty("windows").GetInt32() >= 1, output);
            Assert.True(step.GetProperty("succeeded").GetInt64() > 0, output);
            Assert.Equal(1.0, step.GetProperty("success_rate").GetDouble());
            Assert.Contains("offered load", output, StringComparison.Ordinal);
            Assert.InRange(exit, ExitCodes.Ok, ExitCodes.StepIncomplete); // a busy CI machine may not keep up; it must still end
            Assert.NotEqual(ExitCodes.InvalidRun, exit);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
