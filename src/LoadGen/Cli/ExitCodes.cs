using EnsembleGrpc.LoadGen.Reports;

namespace EnsembleGrpc.LoadGen.Cli;

/// <summary>What LoadGen's exit code says, for scripts and CI.</summary>
public static class ExitCodes
{
    /// <summary>Every step measured (stable or not), or Ctrl-C stopped the run.</summary>
    public const int Ok = 0;

    /// <summary>No request succeeded in any step.</summary>
    public const int NothingSucceeded = 1;

    /// <summary>Invalid options, or the model's metadata rejects what LoadGen would send (nothing was run).</summary>
    public const int InvalidRun = 2;

    /// <summary>
    /// A step could not measure the target (its time limit, a generator far behind its rate): see "no stable window".
    /// Not for a rate search, whose probes past capacity are expected to fail that way.
    /// </summary>
    public const int StepIncomplete = 3;

    public static int For(ProfileReport report, bool aborted)
        => aborted ? Ok
        : !report.Steps.Any(s => s.Succeeded > 0) ? NothingSucceeded
        : report.Search is null && report.Steps.Any(s => s.Incomplete) ? StepIncomplete
        : Ok;
}
