using System.Diagnostics;

namespace EnsembleGrpc.Router.Tests.Observability;

/// <summary>Runs Prometheus's promtool (Debian package prometheus; scripts/ensure-promtool.sh installs it), bounded in time.</summary>
internal static class Promtool
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Exit code and everything it printed; <paramref name="stdin"/> is written to its standard input when given.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(string? stdin, params string[] args) => RunInAsync(null, stdin, args);

    /// <summary><see cref="RunAsync"/> in <paramref name="workingDirectory"/> (promtool resolves a test file's rule files from there).</summary>
    public static async Task<(int ExitCode, string Output)> RunInAsync(string? workingDirectory, string? stdin, params string[] args)
    {
        string path = Find() ?? throw new InvalidOperationException(
            "promtool is not installed: run scripts/ensure-promtool.sh (Debian package prometheus), as .ci/run and scripts/test.sh do.");
        var info = new ProcessStartInfo(path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        await process.WaitForExitAsync().WaitAsync(Timeout);
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "promtool"))
            .FirstOrDefault(File.Exists);
}
