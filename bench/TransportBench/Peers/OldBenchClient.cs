using System.Globalization;
using TransportBench.Measurement;
using TransportBench.Processes;

namespace TransportBench.Peers;

/// <summary>
/// The old layer's client, which only runs inside the old bench process: one repetition is one
/// `dotnet &lt;old TransportBench.dll&gt; run --reps 1 --skip-h2load --skip-python ...`, i.e. a fresh old driver that starts
/// its own old server, warms both up for --old-warmup-seconds, measures its sequential and concurrent phases once and
/// prints its table, which <see cref="OldBenchTable"/> reads back. (The old bench has no --target option, so the old
/// client can only be measured against the old server it starts itself.)
/// </summary>
internal sealed class OldBenchClient(DotnetCommand oldBench, BenchOptions o)
{
    public Scenario Sequential { get; } = new("old-old-seq", "old client -> old server, sequential");

    public Scenario Concurrent { get; } = new("old-old-conc", $"old client -> old server, {o.Concurrency} concurrent");

    public async Task RepetitionAsync()
    {
        string F(double v) => v.ToString(CultureInfo.InvariantCulture);
        string[] args =
        [
            .. oldBench.Arguments, "run", "--reps", "1", "--warmup-seconds", F(o.OldWarmupSeconds),
            "--seq-seconds", F(o.SeqSeconds), "--conc-seconds", F(o.ConcSeconds), "--concurrency", F(o.Concurrency),
            "--connections", F(o.Connections), "--payload", F(o.Payload), "--skip-h2load", "--skip-python",
        ];
        var timeout = TimeSpan.FromSeconds(120 + o.OldWarmupSeconds + o.SeqSeconds + o.ConcSeconds);
        var result = await Executables.RunAsync(oldBench.FileName, args, timeout);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"the old bench failed (exit {result.ExitCode}):\n{result.Stdout}\n{result.Stderr}");
        }

        var (seq, conc) = OldBenchTable.Parse(result.Stdout);
        Sequential.Reps.Add(seq);
        Concurrent.Reps.Add(conc);
    }
}
