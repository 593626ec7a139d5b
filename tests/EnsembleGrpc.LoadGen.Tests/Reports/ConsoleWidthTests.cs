using EnsembleGrpc.LoadGen.Cli;
using EnsembleGrpc.LoadGen.Measurement;
using EnsembleGrpc.LoadGen.Profiling;
using EnsembleGrpc.LoadGen.Reports;
using Spectre.Console;

namespace EnsembleGrpc.LoadGen.Tests.Reports;

/// <summary>The console report fits 100 columns, whatever the console width; the detail is in the CSV and JSON.</summary>
public sealed class ConsoleWidthTests
{
    /// <summary>A rate sweep against the router as it looks after a bad run: big numbers, failures, unstable steps.</summary>
    private static ProfileReport RouterSweep()
    {
        var sources = new[] { "http://127.0.0.1:50051", "http://127.0.0.1:50052", "http://127.0.0.1:50053" };
        StepSummary Step(double rate, double p50) => SampleReport.Step(64, rate * 0.97, p50) with
        {
            Label = $"rate {rate:0.##}/s",
            Mode = "rate",
            Concurrency = null,
            Rate = rate,
            Requests = 1_234_567,
            Succeeded = 1_200_000,
            SuccessRate = 1_200_000 / 1_234_567.0,
            LateSends = 34_567,
            LateShare = 0.028,
            Throughput = 12_345.6,
            Latency = new LatencySummary { P50Ms = p50, P90Ms = p50 * 10, P95Ms = p50 * 20, P99Ms = 1234.567, P999Ms = 4999.9, MaxMs = 5000.123 },
            Stable = false,
            Incomplete = rate > 10_000,
            NoStableWindow = "sent 8123.4/s of the 50000/s target: the generator (or --max-outstanding) cannot keep up, 97.1% of sends late (step time limit 42 s reached)",
            Errors = new Dictionary<string, long> { ["DeadlineExceeded"] = 30_000, ["Unavailable"] = 4_567 },
            Failures =
            [
                new FailureGroup("DeadlineExceeded", "Deadline Exceeded", 30_000),
                new FailureGroup("Unavailable", "Error starting gRPC call. HttpRequestException: Connection refused (127.0.0.1:50053) SocketException: Connection refused", 4_000),
                new FailureGroup("Unavailable", "ensemble 'mnist' has no healthy member to answer: mnist_cnn_1, mnist_cnn_2, mnist_cnn_3 all failed", 500),
                new FailureGroup("Internal", "worker returned output 'probabilities' of shape [1,11], expected [1,10]", 67),
            ],
            ByArm = [new GroupSummary { Name = "candidate-with-a-rather-long-arm-name-from-config", Requests = 600_000, Share = 0.5, P50Ms = 12.5, P99Ms = 1234.5, Accuracy = 0.9871, FallbackRate = 0.0123 }],
            ByStrategy = [new GroupSummary { Name = "stacking", Requests = 1_200_000, Share = 1, P50Ms = 12.5, P99Ms = 1234.5 }],
            Server =
            [
                new ServerSideSummary { Source = "http://127.0.0.1:8000", Model = "mnist", Requests = 1_200_000, Failures = 34_567, MeanBatch = 1, QueueUsPerRequest = 12.3, ComputeUsPerRequest = 123_456.7, ServerUsPerRequest = 123_470.1 },
                .. sources.Select((s, i) => new ServerSideSummary { Source = s, Model = $"fashion_stacker_member_{i + 1}", Requests = 1_200_000, Failures = 12, MeanBatch = 31.75, QueueUsPerRequest = 98_765.4, ComputeUsPerRequest = 4_321.9, ServerUsPerRequest = 103_087.3 }),
            ],
        };

        var steps = new[] { Step(500, 1.23), Step(5000, 45.6), Step(50_000, 987.65) };
        var sample = SampleReport.Create(withFault: true);
        return sample with
        {
            Run = sample.Run with { Target = "http://127.0.0.1:8000", Model = "mnist", Mode = "rate search" },
            Steps = steps,
            Search = new RateSearchResult(20, 4321.5, []),
        };
    }

    [Theory]
    [InlineData(250)]
    [InlineData(ProfileRun.ReportWidth)]
    public void No_line_of_a_realistic_report_is_wider_than_100_columns(int consoleWidth)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No });
        console.Profile.Width = consoleWidth;

        ConsoleReportWriter.Write(console, RouterSweep());
        var lines = writer.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

        Assert.All(lines, l => Assert.True(l.Length <= ConsoleReportWriter.Width, $"{l.Length} columns: {l}"));
        var text = string.Join('\n', lines);
        foreach (var essential in new[] { "offered load", "req/s", "p50 ms", "p99 ms", "errors", "stable", "rate 50000/s", "12345.6", "1234.57" })
        {
            Assert.Contains(essential, text, StringComparison.Ordinal);
        }

        Assert.Contains("rate 50000/s: no stable window: sent 8123.4/s of the 50000/s target", text, StringComparison.Ordinal);
        Assert.Contains("rate 500/s: DeadlineExceeded ×30000: Deadline Exceeded", text, StringComparison.Ordinal);
        Assert.Contains("rate 500/s: 1 more kinds", text, StringComparison.Ordinal);
        Assert.Contains("Highest rate with p99 ≤ 20 ms: 4321.5 requests/s", text, StringComparison.Ordinal);
    }
}
