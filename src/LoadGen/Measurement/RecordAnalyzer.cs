using EnsembleGrpc.LoadGen.Load;

namespace EnsembleGrpc.LoadGen.Measurement;

/// <summary>Turns request records into a <see cref="StepSummary"/>: percentiles, errors, breakdowns, accuracy.</summary>
public sealed class RecordAnalyzer(LoadClock clock, TimeSpan lateThreshold)
{
    public TimeSpan LateThreshold => lateThreshold;

    public LatencyHistogram Histogram(IEnumerable<RequestRecord> records)
    {
        var histogram = new LatencyHistogram();
        foreach (var r in records)
        {
            if (r.IsSuccess)
            {
                histogram.Record(clock.ToNanoseconds(r.Latency));
            }
        }

        return histogram;
    }

    public WindowSummary Window(int index, IReadOnlyCollection<RequestRecord> records, double seconds)
    {
        var histogram = Histogram(records);
        var succeeded = histogram.Count;
        return new WindowSummary(index, seconds, records.Count, succeeded, seconds > 0 ? succeeded / seconds : 0, histogram.ValueAtPercentile(99) / 1e6);
    }

    public StepSummary Summarize(string label, string mode, IReadOnlyCollection<RequestRecord> records, double seconds)
    {
        var latency = new LatencyHistogram();
        var service = new LatencyHistogram();
        var errors = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var failures = new FailureTally();
        long succeeded = 0, rows = 0, labeled = 0, correct = 0, fallbacks = 0, late = 0, maxDelay = 0;
        var lateTicks = clock.ToTicks(lateThreshold);
        var arms = new Dictionary<string, GroupAccumulator>(StringComparer.Ordinal);
        var strategies = new Dictionary<string, GroupAccumulator>(StringComparer.Ordinal);
        foreach (var r in records)
        {
            if (r.SendDelay > lateTicks)
            {
                late++;
            }

            maxDelay = Math.Max(maxDelay, r.SendDelay);
            if (!r.IsSuccess)
            {
                var name = r.Status.ToString();
                errors[name] = errors.GetValueOrDefault(name) + 1;
                failures.Add(r);
                continue;
            }

            succeeded++;
            rows += r.BatchSize;
            labeled += r.Labeled;
            correct += r.Correct;
            fallbacks += r.Fallback ? 1 : 0;
            var latencyNs = clock.ToNanoseconds(r.Latency);
            latency.Record(latencyNs);
            service.Record(clock.ToNanoseconds(r.ServiceTime));
            if (r.Arm is not null)
            {
                Group(arms, r.Arm).Add(r, latencyNs);
            }

            if (r.Strategy is not null)
            {
                Group(strategies, r.Strategy).Add(r, latencyNs);
            }
        }

        return new StepSummary
        {
            Label = label,
            Mode = mode,
            DurationSeconds = seconds,
            Requests = records.Count,
            Succeeded = succeeded,
            SuccessRate = records.Count == 0 ? 0 : succeeded / (double)records.Count,
            Errors = errors,
            Failures = failures.Groups(),
            Throughput = seconds > 0 ? succeeded / seconds : 0,
            InferencesPerSecond = seconds > 0 ? rows / seconds : 0,
            Latency = LatencySummary.From(latency),
            ServiceTime = LatencySummary.From(service),
            LateSends = late,
            LateShare = records.Count == 0 ? 0 : late / (double)records.Count,
            MaxSendDelayMs = clock.ToNanoseconds(maxDelay) / 1e6,
            Accuracy = labeled == 0 ? null : correct / (double)labeled,
            FallbackRate = succeeded == 0 ? 0 : fallbacks / (double)succeeded,
            ByArm = Summaries(arms, succeeded),
            ByStrategy = Summaries(strategies, succeeded),
            Distribution = PercentilePoint.Curve(latency),
        };
    }

    private static GroupAccumulator Group(Dictionary<string, GroupAccumulator> groups, string name)
    {
        if (!groups.TryGetValue(name, out var group))
        {
            group = new GroupAccumulator();
            groups[name] = group;
        }

        return group;
    }

    private static IReadOnlyList<GroupSummary> Summaries(Dictionary<string, GroupAccumulator> groups, long total)
        => groups.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Value.Summary(g.Key, total)).ToArray();

    private sealed class GroupAccumulator
    {
        private readonly LatencyHistogram _latency = new();
        private long _labeled;
        private long _correct;
        private long _fallbacks;

        public void Add(in RequestRecord r, long latencyNs)
        {
            _latency.Record(latencyNs);
            _labeled += r.Labeled;
            _correct += r.Correct;
            _fallbacks += r.Fallback ? 1 : 0;
        }

        public GroupSummary Summary(string name, long total) => new()
        {
            Name = name,
            Requests = _latency.Count,
            Share = total == 0 ? 0 : _latency.Count / (double)total,
            P50Ms = _latency.ValueAtPercentile(50) / 1e6,
            P99Ms = _latency.ValueAtPercentile(99) / 1e6,
            Accuracy = _labeled == 0 ? null : _correct / (double)_labeled,
            FallbackRate = _latency.Count == 0 ? 0 : _fallbacks / (double)_latency.Count,
        };
    }
}
