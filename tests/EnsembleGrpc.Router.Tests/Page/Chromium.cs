namespace EnsembleGrpc.Router.Tests.Page;

/// <summary>
/// Debian's chromium, which the browser tests drive through Playwright's <c>ExecutablePath</c> (Playwright's own browser
/// download is not reachable here). <c>CHROMIUM_PATH</c> names another build; scripts/ensure-chromium.sh installs it.
/// </summary>
internal static class Chromium
{
    public static string? Path { get; } = Find();

    public static string SkipReason =>
        "chromium is not installed: run scripts/ensure-chromium.sh (Debian package chromium), as .ci/run and scripts/test.sh do, or set CHROMIUM_PATH";

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } given)
        {
            return File.Exists(given) ? given : null;
        }

        string[] names = ["chromium", "chromium-browser"];
        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => names.Select(name => System.IO.Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);
    }
}
