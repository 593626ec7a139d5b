using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.InferenceServer.Hosting;

/// <summary>
/// Switches ASP.NET Core's hosting diagnostics category off when the log is quiet per request anyway. ASP.NET Core
/// starts an <c>Activity</c> and a log scope for every request as soon as that category is enabled at any level
/// (Critical included), even though it writes nothing above Information: under load that is an Activity, its tags
/// and a scope per request for no line at all. Below Information (<c>--log-level Debug</c>) the request lines are
/// wanted and the category is left as configured; so is a level set for the category by name.
/// </summary>
public static class HostingDiagnosticsLog
{
    /// <summary>The category of "Request starting" / "Request finished"; its logger decides the per-request Activity.</summary>
    public const string Category = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private const string LevelSection = "Logging:LogLevel:";

    public static void Apply(ILoggingBuilder logging, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(logging);
        ArgumentNullException.ThrowIfNull(configuration);
        if (IsQuiet(configuration))
        {
            logging.AddFilter(Category, LogLevel.None);
        }
    }

    /// <summary>
    /// True when the configured level of <see cref="Category"/> (from its nearest configured parent category) hides
    /// the request lines, and nobody configured the category itself.
    /// </summary>
    public static bool IsQuiet(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration[LevelSection + Category] is not null)
        {
            return false;
        }

        string[] parents = ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore", "Microsoft", "Default"];
        foreach (var parent in parents)
        {
            if (configuration[LevelSection + parent] is { } text)
            {
                return Enum.TryParse<LogLevel>(text, ignoreCase: true, out var level) && level > LogLevel.Information;
            }
        }

        // No level anywhere: the logging default is Information, which would write the request lines.
        return false;
    }
}
