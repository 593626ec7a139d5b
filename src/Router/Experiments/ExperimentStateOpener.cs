using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Router.Experiments;

/// <summary>
/// Opens the <c>--state</c> file so that a bad one does not keep the router down: a file SQLite cannot read (garbage,
/// truncated, corrupt pages) is renamed to <c>&lt;name&gt;.corrupt-&lt;UTC timestamp&gt;</c> with its -wal/-shm side
/// files, one Warning names both paths and the reason, and the router starts on a fresh file (the routing file's
/// splits, no stored feedback). The bad file is kept, not deleted, so its owner can still look at it.
/// </summary>
public static partial class ExperimentStateOpener
{
    private static readonly string[] SideFiles = ["-wal", "-shm"];

    /// <exception cref="ExperimentStateException">The file is bad and cannot be moved aside, or the fresh file cannot be created.</exception>
    public static SqliteExperimentStore Open(string path, ILogger logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        string reason;
        try
        {
            return new SqliteExperimentStore(path);
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            reason = ex.Message;
        }

        if (path == ExperimentStatePaths.InMemory || !File.Exists(path))
        {
            throw new ExperimentStateException($"experiment state '{path}' cannot be opened ({reason}) and is not a file that can be moved aside; fix or remove it, or start with --state none.");
        }

        string aside = MoveAside(path, reason, time);
        Log.StateMovedAside(logger, path, aside, reason);
        try
        {
            return new SqliteExperimentStore(path);
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new ExperimentStateException($"experiment state '{path}' cannot be created after moving the bad file to '{aside}': {ex.Message}", ex);
        }
    }

    private static string MoveAside(string path, string reason, TimeProvider time)
    {
        string stamp = time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string aside = $"{path}.corrupt-{stamp}";
        for (int n = 1; File.Exists(aside) || Directory.Exists(aside); n++)
        {
            aside = FormattableString.Invariant($"{path}.corrupt-{stamp}-{n}");
        }

        try
        {
            File.Move(path, aside);
            foreach (string side in SideFiles)
            {
                if (File.Exists(path + side))
                {
                    File.Move(path + side, aside + side);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ExperimentStateException($"experiment state '{path}' cannot be opened ({reason}) nor moved aside to '{aside}' ({ex.Message}); fix or remove it, or start with --state none.", ex);
        }

        return aside;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 800, EventName = "ExperimentStateMovedAside", Level = LogLevel.Warning, Message = "Experiment state '{Path}' could not be read ({Reason}); moved it aside to '{Aside}' and started with fresh state from the routing file.")]
        public static partial void StateMovedAside(ILogger logger, string path, string aside, string reason);
    }
}
