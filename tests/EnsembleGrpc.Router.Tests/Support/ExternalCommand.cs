using System.Diagnostics;

namespace EnsembleGrpc.Router.Tests.Support;

/// <summary>Runs a short command (iproute2 and tc, mv, kill) with a bounded wait, collecting its output.</summary>
internal static class ExternalCommand
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    /// <summary>Runs the command; throws with its stderr when it fails.</summary>
    public static string Run(string file, params string[] args)
    {
        var (exit, output, error) = TryRun(file, args);
        return exit == 0 ? output : throw new InvalidOperationException($"'{file} {string.Join(' ', args)}' exited {exit}: {error.Trim()}");
    }

    /// <summary>Runs the command; its exit code, stdout and stderr (exit -1 when it could not be started or overran).</summary>
    public static (int Exit, string Output, string Error) TryRun(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, "", ex.Message);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Limit))
            {
                process.Kill(entireProcessTree: true);
                return (-1, "", $"still running after {Limit.TotalSeconds} s");
            }

            return (process.ExitCode, output.Result, error.Result);
        }
    }
}
