using System.Diagnostics;

namespace EnsembleGrpc.Router.Tests.Support;

/// <summary>
/// The operator's command line, <c>tools/client/ensemble.py</c> under Debian's python3, run as a process with a bounded
/// wait. Exit codes 0 (done / promoted), 3 (rolled back), 4 (aborted) and 5 (still running) are answers; any other fails.
/// </summary>
internal static class EnsembleCli
{
    public static async Task<(int Exit, string Stdout)> RunAsync(TimeSpan limit, params string[] args)
    {
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(RepoPaths.Root, "tools", "client", "ensemble.py"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        Assert.True(process.ExitCode is 0 or 3 or 4 or 5, $"ensemble.py {string.Join(' ', args)} exited with {process.ExitCode}: {await stderr}");
        return (process.ExitCode, await stdout);
    }
}
