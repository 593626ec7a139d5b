namespace InferenceBench;

/// <summary>
/// Loads a serving process in rounds until its JIT has gone quiet, so that the repetitions measure the process in
/// its steady state. Tiered compilation recompiles the hot path at tier 1 on a background thread while the load
/// runs: on 2 busy cores the router's JIT was busy for about 20 s of load at concurrency 32 (dotnet-counters: about
/// 1 s of JIT time per second, thousands of methods), its throughput rising from 650 to 1,800 requests/s meanwhile.
/// A fixed warm-up of a few seconds left the first repetition measuring the JIT.
/// </summary>
/// <remarks>
/// The signal is the tiered-compilation thread's own CPU time (<see cref="JitThreadCpu"/>), not the process's CPU per
/// request: that one varied by 20-30% from round to round at steady state on this machine, and two JIT-heavy rounds
/// once agreed within 9% at three times the steady cost.
/// </remarks>
internal sealed class SteadyWarmup(LoadGenRunner loadGen, BenchOptions options, Action<string> log)
{
    /// <summary>Quiet: the tiered-compilation thread on a CPU for at most this share of a round (steady state measured 0.5% of the router's CPU, the JIT phase 33%).</summary>
    public const double QuietJitShare = 0.02;

    /// <summary>Rounds at least: the first one also compiles the code paths at tier 0.</summary>
    public const int MinRounds = 2;

    /// <summary>LoadGen's own warm-up in a round: its connections are up before the window opens.</summary>
    public const double RoundWarmupSeconds = 0.5;

    /// <summary>
    /// Rounds of <see cref="BenchOptions.ServerWarmupSeconds"/> at <paramref name="concurrency"/> until a round in which
    /// the JIT of <paramref name="process"/> and of every one of <paramref name="behind"/> (the workers behind the
    /// router) was quiet (<see cref="IsSteady"/>), or until <see cref="BenchOptions.ServerWarmupMaxSeconds"/> of rounds.
    /// A round's CPU per request is <paramref name="process"/>'s. Returns every round; <see cref="IsSteady"/> of them says whether it settled.
    /// </summary>
    public async Task<IReadOnlyList<WarmupRound>> RunAsync(ChildProcess process, IReadOnlyList<ChildProcess> behind, Uri target,
        string model, int concurrency, string? strategy, string outputPrefix, CancellationToken cancellationToken)
    {
        ChildProcess[] watched = [process, .. behind];
        var rounds = new List<WarmupRound>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var cpuBefore = process.CpuTime;
            var jitBefore = watched.Select(p => JitThreadCpu.Read(p.Id)).ToArray();
            var started = clock.Elapsed;
            var steps = await loadGen.RunAsync(target, model, [concurrency], $"{outputPrefix}-{rounds.Count + 1}", strategy, cancellationToken,
                warmupSeconds: RoundWarmupSeconds, windowSeconds: options.ServerWarmupSeconds, maxWindows: 1);
            var seconds = (clock.Elapsed - started).TotalSeconds;
            // The busiest JIT among the watched processes decides.
            var jitShare = watched.Select((p, i) => JitThreadCpu.Between(jitBefore[i], JitThreadCpu.Read(p.Id)) / seconds).Max();
            var cpuUs = (process.CpuTime - cpuBefore).TotalMicroseconds;
            var step = steps.Single();
            // The CPU covers LoadGen's whole run (its connection set-up included) and the requests only its window.
            rounds.Add(new WarmupRound(process.Name, rounds.Count + 1, step.Throughput, step.Requests > 0 ? cpuUs / step.Requests : double.NaN, jitShare));
            log($"  warm-up {process.Name} round {rounds.Count}: {step.Throughput:N0} req/s, {rounds[^1].CpuUsPerRequest:N0} us CPU/request, busiest JIT thread {jitShare:P1} of the round");
            if (IsSteady(rounds) || clock.Elapsed.TotalSeconds + options.ServerWarmupSeconds > options.ServerWarmupMaxSeconds)
            {
                return rounds;
            }
        }
    }

    /// <summary>At least <see cref="MinRounds"/> rounds, and every watched JIT thread on a CPU for at most <see cref="QuietJitShare"/> of the last.</summary>
    public static bool IsSteady(IReadOnlyList<WarmupRound> rounds) =>
        rounds.Count >= MinRounds && rounds[^1].JitShare <= QuietJitShare;
}
