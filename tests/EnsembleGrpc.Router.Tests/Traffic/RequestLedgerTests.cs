using EnsembleGrpc.Router.Traffic;

namespace EnsembleGrpc.Router.Tests.Traffic;

public sealed class RequestLedgerTests
{
    [Fact]
    public void A_recorded_request_is_found_with_its_arm_and_predictions()
    {
        var ledger = new RequestLedger(capacity: 4);
        ledger.Record("one-row", "mnist", "control", "bagging", [7]);
        ledger.Record("two-rows", "mnist", "canary", "stacking", [1, 2]);

        var one = ledger.Find("one-row")!;
        Assert.Equal(("one-row", "mnist", "control", "bagging"), (one.RequestId, one.Ensemble, one.Arm, one.Strategy));
        Assert.Equal([7], one.Predictions);
        var two = ledger.Find("two-rows")!;
        Assert.Equal(("canary", "stacking"), (two.Arm, two.Strategy));
        Assert.Equal([1, 2], two.Predictions);
        Assert.Null(ledger.Find("never-seen"));
    }

    [Fact]
    public void The_oldest_requests_are_forgotten_first_once_the_capacity_is_reached()
    {
        // Past the initial ring size (1,024), so that growing the ring keeps the order too.
        const int capacity = 3000;
        var ledger = new RequestLedger(capacity);
        for (int i = 0; i < capacity + 500; i++)
        {
            ledger.Record($"r{i}", "mnist", "control", "bagging", [i % 10]);
        }

        Assert.Equal(capacity, ledger.Count);
        Assert.Null(ledger.Find("r0"));
        Assert.Null(ledger.Find("r499"));
        Assert.Equal([500 % 10], ledger.Find("r500")!.Predictions);
        Assert.NotNull(ledger.Find($"r{capacity + 499}"));
    }

    [Fact]
    public void Feedback_scores_a_request_once_and_again_after_its_id_is_answered_anew()
    {
        var ledger = new RequestLedger(capacity: 2);
        ledger.Record("reused", "mnist", "control", "bagging", [3]);

        Assert.True(ledger.TryMarkScored("reused"));
        Assert.False(ledger.TryMarkScored("reused"));
        Assert.False(ledger.TryMarkScored("unknown"));

        // A client reusing an id: the latest answer counts, and it has not been scored yet.
        ledger.Record("reused", "mnist", "canary", "vote", [4]);
        Assert.Equal("canary", ledger.Find("reused")!.Arm);
        Assert.True(ledger.TryMarkScored("reused"));
        Assert.Equal(1, ledger.Count);
    }

    [Fact]
    public void A_reused_id_keeps_its_place_in_the_order_and_evicts_nothing()
    {
        var ledger = new RequestLedger(capacity: 2);
        ledger.Record("a", "mnist", "control", "bagging", [1]);
        ledger.Record("b", "mnist", "control", "bagging", [2]);
        ledger.Record("a", "mnist", "control", "bagging", [9]);
        Assert.Equal(2, ledger.Count);

        ledger.Record("c", "mnist", "control", "bagging", [3]);
        Assert.Null(ledger.Find("a"));
        Assert.Equal([2], ledger.Find("b")!.Predictions);
        Assert.Equal([3], ledger.Find("c")!.Predictions);
    }

    [Fact]
    public void Concurrent_writers_leave_exactly_the_capacity_and_every_entry_findable()
    {
        const int capacity = 5000;
        var ledger = new RequestLedger(capacity);
        Parallel.For(0, 4, writer =>
        {
            for (int i = 0; i < 4000; i++)
            {
                ledger.Record($"w{writer}-{i}", "mnist", "control", "bagging", [writer]);
            }
        });

        Assert.Equal(capacity, ledger.Count);
        int found = 0;
        for (int writer = 0; writer < 4; writer++)
        {
            for (int i = 0; i < 4000; i++)
            {
                if (ledger.Find($"w{writer}-{i}") is { } entry)
                {
                    Assert.Equal([writer], entry.Predictions);
                    found++;
                }
            }
        }

        Assert.Equal(capacity, found);
    }

    [Fact]
    public void Ids_the_router_made_and_ids_clients_chose_are_found_exactly_as_given()
    {
        var ledger = new RequestLedger(capacity: 3);
        string made = Guid.NewGuid().ToString("N");
        string upper = made.ToUpperInvariant();
        ledger.Record(made, "mnist", "control", "bagging", [1]);
        ledger.Record(upper, "mnist", "canary", "vote", [2]);

        // The router's own format is kept as a Guid; the same hex in capitals is another client's id.
        Assert.Equal(made, ledger.Find(made)!.RequestId);
        Assert.Equal("control", ledger.Find(made)!.Arm);
        Assert.Equal(upper, ledger.Find(upper)!.RequestId);
        Assert.Equal("canary", ledger.Find(upper)!.Arm);
        Assert.Null(ledger.Find(Guid.NewGuid().ToString("N")));

        ledger.Record("x", "mnist", "control", "bagging", [3]);
        ledger.Record("y", "mnist", "control", "bagging", [4]);
        Assert.Null(ledger.Find(made));
        Assert.NotNull(ledger.Find(upper));
        Assert.Equal(3, ledger.Count);
    }
}
