using EnsembleGrpc.LoadGen.Cli;
using EnsembleGrpc.LoadGen.Profiling;
using EnsembleGrpc.LoadGen.Tests.Reports;

namespace EnsembleGrpc.LoadGen.Tests.Cli;

public sealed class ExitCodesTests
{
    [Fact]
    public void A_step_that_could_not_measure_exits_3_nothing_succeeding_1_and_ctrl_c_0()
    {
        var report = SampleReport.Create();
        var incomplete = report with { Steps = [report.Steps[0], report.Steps[1] with { Incomplete = true, NoStableWindow = "step time limit 9 s reached after 1 windows" }] };
        var nothing = report with { Steps = [report.Steps[0] with { Succeeded = 0 }] };

        Assert.Equal(ExitCodes.Ok, ExitCodes.For(report, aborted: false));
        Assert.Equal(ExitCodes.StepIncomplete, ExitCodes.For(incomplete, aborted: false));
        Assert.Equal(ExitCodes.NothingSucceeded, ExitCodes.For(nothing, aborted: false));
        Assert.Equal(ExitCodes.Ok, ExitCodes.For(incomplete, aborted: true));
        Assert.Equal(ExitCodes.Ok, ExitCodes.For(incomplete with { Search = new RateSearchResult(20, 100, []) }, aborted: false));
    }
}
