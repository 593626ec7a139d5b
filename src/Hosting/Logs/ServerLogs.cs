using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.Hosting.Logs;

/// <summary>
/// Default log levels and the console format of the servers. At Information the log holds start-up, configuration
/// and model events, warnings and errors, but no line per request: ASP.NET Core hosting and routing ("Request
/// starting", "Executing endpoint", "Request finished"), grpc-dotnet and HttpClient write those at Information, about
/// eight lines a request, so their categories default to Warning and follow <c>--log-level</c> only below Information.
/// </summary>
public static class ServerLogs
{
    /// <summary>Configuration key of the console format (<c>--log-format</c>): <see cref="TextFormat"/> or <see cref="JsonFormat"/>.</summary>
    public const string FormatKey = "Logging:Format";

    public const string TextFormat = "text";

    public const string JsonFormat = "json";

    public const string DefaultLevel = nameof(LogLevel.Information);

    /// <summary>The category of "Now listening on" and the other start-up lines that scripts wait for.</summary>
    public const string LifetimeCategory = "Microsoft.Hosting.Lifetime";

    private const string LevelSection = "Logging:LogLevel:";

    /// <summary>Categories that write lines per request at Information.</summary>
    public static IReadOnlyList<string> PerRequestCategories { get; } = ["Microsoft.AspNetCore", "Grpc", "System.Net.Http"];

    public static IReadOnlyList<string> Formats { get; } = [TextFormat, JsonFormat];

    public static IReadOnlyList<string> Levels { get; } = [.. Enum.GetNames<LogLevel>()];

    /// <summary>The lowest-priority configuration: every other source (environment, command line) overrides it.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Defaults
        => [.. ForLevel(DefaultLevel), new(FormatKey, TextFormat)];

    /// <summary>
    /// The levels <c>--log-level</c> sets: the default category; per-request categories only below Information (so
    /// Debug shows every request, Information stays quiet); start-up lines at Information at most (always shown).
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string?>> ForLevel(string level)
    {
        var parsed = Enum.Parse<LogLevel>(level, ignoreCase: true);
        var perRequest = parsed < LogLevel.Information ? parsed : (LogLevel)Math.Max((int)parsed, (int)LogLevel.Warning);
        var lifetime = (LogLevel)Math.Min((int)parsed, (int)LogLevel.Information);
        yield return new(LevelSection + "Default", parsed.ToString());
        foreach (var category in PerRequestCategories)
        {
            yield return new(LevelSection + category, perRequest.ToString());
        }

        yield return new(LevelSection + LifetimeCategory, lifetime.ToString());
    }

    /// <summary>Switches the console logger to JSON (one object per line, UTC timestamps) when the configuration asks for it.</summary>
    public static void UseConfiguredFormat(ILoggingBuilder logging, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(logging);
        ArgumentNullException.ThrowIfNull(configuration);
        var format = configuration[FormatKey] ?? TextFormat;
        if (string.Equals(format, JsonFormat, StringComparison.OrdinalIgnoreCase))
        {
            logging.AddJsonConsole(json =>
            {
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                // Relaxed escaping keeps quotes and '+' readable; the output is still valid JSON, one object per line.
                json.JsonWriterOptions = new JsonWriterOptions { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            });
        }
        else if (!string.Equals(format, TextFormat, StringComparison.OrdinalIgnoreCase))
        {
            throw new OptionsValidationException(FormatKey, typeof(string), [$"--log-format: '{format}' is not one of {string.Join(", ", Formats)}."]);
        }
    }
}
