using EnsembleGrpc.LoadGen.Load;
using EnsembleGrpc.LoadGen.Measurement;
using EnsembleGrpc.LoadGen.Tests.Fakes;
using Grpc.Core;

namespace EnsembleGrpc.LoadGen.Tests.Measurement;

public sealed class FailureTallyTests
{
    private static RequestRecord Failed(StatusCode status, string? message) => new() { Status = status, Error = message, BatchSize = 1 };

    [Fact]
    public void Failures_are_grouped_by_status_and_message_most_frequent_first()
    {
        var records = new List<RequestRecord> { new() { Status = StatusCode.OK, BatchSize = 1 } };
        records.AddRange(Enumerable.Repeat(Failed(StatusCode.Unavailable, "connection refused"), 3));
        records.AddRange(Enumerable.Repeat(Failed(StatusCode.Unavailable, "no healthy member\nfor 'mnist'"), 5));
        records.AddRange(Enumerable.Repeat(Failed(StatusCode.DeadlineExceeded, null), 2));

        var summary = new RecordAnalyzer(new VirtualClock(), TimeSpan.FromMilliseconds(1)).Summarize("rate 10/s", "rate", records, 1);

        Assert.Equal(
            [
                new FailureGroup("Unavailable", "no healthy member for 'mnist'", 5),
                new FailureGroup("Unavailable", "connection refused", 3),
                new FailureGroup("DeadlineExceeded", string.Empty, 2),
            ],
            summary.Failures);
        Assert.Equal(8, summary.Errors["Unavailable"]);
    }

    [Fact]
    public void Messages_unique_per_request_are_capped_into_one_group_per_status()
    {
        var tally = new FailureTally();
        for (var i = 0; i < 500; i++)
        {
            tally.Add(Failed(StatusCode.Internal, $"request {i} failed"));
        }

        var groups = tally.Groups();

        Assert.Equal(FailureTally.MaxKinds + 1, groups.Count);
        Assert.Equal(new FailureGroup("Internal", FailureTally.OtherMessages, 500 - FailureTally.MaxKinds), groups[0]);
        Assert.Equal(500, groups.Sum(g => g.Count));
    }
}
