using EnsembleGrpc.LoadGen.Faults;
using EnsembleGrpc.LoadGen.Load;
using EnsembleGrpc.LoadGen.Measurement;

namespace EnsembleGrpc.LoadGen.Tests.Faults;

/// <summary>The begin / end commands of a command fault really run through /bin/sh, and failures are reported.</summary>
public sealed class CommandFaultInjectorTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("loadgen-command-fault-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Begin_and_end_run_their_commands()
    {
        var begin = Path.Combine(_directory, "begin");
        var end = Path.Combine(_directory, "end");
        await using var injector = new CommandFaultInjector($"touch '{begin}'", $"touch '{end}'");
        Assert.Equal($"run 'touch '{begin}'', then 'touch '{end}''", injector.Description);

        await injector.PrepareAsync(CancellationToken.None);
        Assert.False(File.Exists(begin));

        await injector.BeginAsync(CancellationToken.None);
        Assert.True(File.Exists(begin));
        Assert.False(File.Exists(end));

        await injector.EndAsync(CancellationToken.None);
        Assert.True(File.Exists(end));
    }

    [Fact]
    public async Task Without_an_end_command_end_does_nothing()
    {
        var begin = Path.Combine(_directory, "begin");
        await using var injector = new CommandFaultInjector($"touch '{begin}'", null);
        Assert.Equal($"run 'touch '{begin}''", injector.Description);

        await injector.BeginAsync(CancellationToken.None);
        await injector.EndAsync(CancellationToken.None);

        Assert.Equal(["begin"], Directory.GetFiles(_directory).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_non_zero_exit_is_reported_with_its_code_and_stderr()
    {
        await using var injector = new CommandFaultInjector("echo no such worker >&2; exit 3", "exit 4");

        var begin = await Assert.ThrowsAsync<InvalidOperationException>(() => injector.BeginAsync(CancellationToken.None));
        Assert.Contains("exited with 3", begin.Message);
        Assert.Contains("no such worker", begin.Message);

        var end = await Assert.ThrowsAsync<InvalidOperationException>(() => injector.EndAsync(CancellationToken.None));
        Assert.Contains("exited with 4", end.Message);
    }

    [Fact]
    public async Task The_schedule_records_a_failed_begin_and_still_runs_the_end_command()
    {
        var end = Path.Combine(_directory, "end");
        await using var injector = new CommandFaultInjector("exit 5", $"touch '{end}'");
        var observer = new NotesObserver();
        var clock = SystemLoadClock.CreateDefault();
        var schedule = new FaultSchedule(clock, new FaultPlan(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero), injector, observer);

        await schedule.RunAsync(clock.Now, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Contains("exited with 5", schedule.Error);
        Assert.True(File.Exists(end), "the end command must run even though begin failed");
        Assert.NotNull(schedule.BeganAt);
        Assert.NotNull(schedule.EndedAt);
        Assert.Contains(observer.Notes, n => n.StartsWith("fault could not begin", StringComparison.Ordinal));
        Assert.Equal("fault ends", observer.Notes[^1]);
    }

    [Fact]
    public async Task The_schedule_records_a_failed_end()
    {
        await using var injector = new CommandFaultInjector("true", "exit 6");
        var observer = new NotesObserver();
        var clock = SystemLoadClock.CreateDefault();
        var schedule = new FaultSchedule(clock, new FaultPlan(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero), injector, observer);

        await schedule.RunAsync(clock.Now, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Contains("exited with 6", schedule.Error);
        Assert.Contains(observer.Notes, n => n.StartsWith("fault could not end", StringComparison.Ordinal));
    }

    private sealed class NotesObserver : IRunObserver
    {
        public List<string> Notes { get; } = [];

        public void StepStarted(string label, int maxWindows)
        {
        }

        public void WindowMeasured(string label, WindowSummary window, bool stable)
        {
        }

        public void StepFinished(StepSummary summary)
        {
        }

        public void Note(string message)
        {
            lock (Notes)
            {
                Notes.Add(message);
            }
        }
    }
}
