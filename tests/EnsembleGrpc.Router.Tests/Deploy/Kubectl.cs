using System.Diagnostics;

namespace EnsembleGrpc.Router.Tests.Deploy;

/// <summary>
/// The kubectl on PATH, used offline only (<c>kubectl kustomize</c> needs no cluster). CI installs it
/// (scripts/ensure-kubectl.sh); where it is missing the tests that need it are skipped, saying so.
/// </summary>
internal static class Kubectl
{
    public static string? Path { get; } = Find();

    public static string SkipReason => "kubectl is not on PATH: install it (scripts/ensure-kubectl.sh: Debian's kubernetes-client) to render deploy/k8s";

    /// <summary>Runs <c>kubectl kustomize <paramref name="directory"/></c> and returns what it printed.</summary>
    public static string Kustomize(string directory)
    {
        var info = new ProcessStartInfo(Path ?? throw new InvalidOperationException(SkipReason))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("kustomize");
        info.ArgumentList.Add(directory);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("kubectl kustomize did not finish within 120 s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"kubectl kustomize {directory} exited {process.ExitCode}: {stderr.Result}");
        }

        return stdout.Result;
    }

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => System.IO.Path.Combine(dir, "kubectl"))
            .FirstOrDefault(File.Exists);
}
