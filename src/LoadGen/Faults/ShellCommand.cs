using System.Diagnostics;

namespace EnsembleGrpc.LoadGen.Faults;

/// <summary>Runs a command line through /bin/sh and reports a non-zero exit.</summary>
internal static class ShellCommand
{
    public static ProcessStartInfo StartInfo(string commandLine, bool redirect) => new("/bin/sh")
    {
        ArgumentList = { "-c", commandLine },
        RedirectStandardOutput = redirect,
        RedirectStandardError = redirect,
        UseShellExecute = false,
    };

    public static async Task RunAsync(string commandLine, CancellationToken cancellationToken)
    {
        using var process = Process.Start(StartInfo(commandLine, redirect: true))
            ?? throw new InvalidOperationException($"could not start: {commandLine}");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{commandLine}' exited with {process.ExitCode}: {(await stderr.ConfigureAwait(false)).Trim()}");
        }
    }
}
