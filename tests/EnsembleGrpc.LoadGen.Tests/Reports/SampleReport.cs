using EnsembleGrpc.LoadGen.Faults;
using EnsembleGrpc.LoadGen.Measurement;
using EnsembleGrpc.LoadGen.Reports;

namespace EnsembleGrpc.LoadGen.Tests.Reports;

internal static class SampleReport
{
    public static StepSummary Step(int concurrency, double throughput, double p50) => new()
    {
        Label = $"concurrency {concurrency}",
        Mode = "concurrency",
        Concurrency = concurrency,
        Stable = true,
        Windows = 3,
        DurationSeconds = 6,
        Requests = 1000,
        Succeeded = 990,
        SuccessRate = 0.99,
        Errors = new Dictionary<string, long> { ["Unavailable"] = 10 },
        Failures = [new FailureGroup("Unavailable", "worker w1 is unavailable", 7), new FailureGroup("Unavailable", "connection refused", 3)],
        Throughput = throughput,
        InferencesPerSecond = throughput,
        Latency = new LatencySummary { Count = 990, MinMs = p50 / 2, MeanMs = p50, P50Ms = p50, P90Ms = p50 * 1.5, P95Ms = p50 * 1.8, P99Ms = p50 * 3, P999Ms = p50 * 5, MaxMs = p50 * 8 },
        Accuracy = 0.985,
        FallbackRate = 0.02,
        ByArm = [new GroupSummary { Name = "a, \"quoted\"", Requests = 500, Share = 0.5, P50Ms = p50, P99Ms = p50 * 3 }],
        Server = [new ServerSideSummary { Source = "http://w1", Requests = 990, QueueUsPerRequest = 120, ComputeUsPerRequest = 480 }],
        Distribution = [new PercentilePoint(0, p50 / 2), new PercentilePoint(90, p50 * 1.5), new PercentilePoint(99, p50 * 3), new PercentilePoint(99.9, p50 * 5), new PercentilePoint(100, p50 * 8)],
    };

    public static ProfileReport Create(bool withFault = false)
    {
        var steps = new[] { Step(1, 800, 1.2), Step(2, 1500, 1.3), Step(4, 2600, 1.5), Step(8, 3100, 2.6) };
        return new ProfileReport
        {
            Run = new RunInfo { Target = "http://127.0.0.1:8001", Model = "mnist_cnn_1", Mode = "concurrency sweep", Connections = 4, StartedAt = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero) },
            Steps = steps,
            Fault = withFault
                ? new FaultReport
                {
                    Fault = "pause worker 'w1'",
                    BeganAtSeconds = 5,
                    EndedAtSeconds = 8,
                    Before = steps[0] with { Label = "before fault" },
                    During = steps[3] with { Label = "during fault", SuccessRate = 0.5 },
                    After = steps[0] with { Label = "after fault" },
                    Outside = steps[0] with { Label = "outside fault" },
                    Timeline = Enumerable.Range(0, 12).Select(i => new TimelinePoint(i, 100, i is >= 5 and < 8 ? 0.5 : 1, 0, 1, i is >= 5 and < 8 ? 900 : 3)).ToArray(),
                }
                : null,
        };
    }
}
