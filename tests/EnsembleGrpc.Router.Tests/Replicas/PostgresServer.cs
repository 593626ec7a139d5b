using System.Globalization;
using System.Net;
using System.Net.Sockets;
using EnsembleGrpc.Router.Tests.Support;
using Npgsql;

namespace EnsembleGrpc.Router.Tests.Replicas;

/// <summary>
/// A real PostgreSQL server for the tests, started from Debian's <c>postgresql</c> binaries (initdb and pg_ctl; see
/// scripts/ensure-postgresql.sh) in a temporary folder: its own cluster, a free port on 127.0.0.1, its unix socket in
/// the folder, fsync off. PostgreSQL refuses to run as root, so under root it runs as <c>nobody</c>. Each test takes a
/// fresh database (<see cref="CreateDatabase"/>). Dispose stops it (immediate mode) and deletes the folder.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private const string User = "nobody";
    private readonly string _bin;
    private readonly string _directory;
    private int _databases;

    /// <summary>Starts the server; does nothing where <see cref="Unavailable"/> (the tests using it are skipped, saying why).</summary>
    public PostgresServer()
    {
        if (BinDirectory() is not { } bin)
        {
            _bin = _directory = "";
            return;
        }

        _bin = bin;
        _directory = Path.Combine(Path.GetTempPath(), "egpg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        if (IsRoot())
        {
            ExternalCommand.Run("chown", User, _directory);
        }

        Pg("initdb", "-D", Data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync");
        Port = StartOnFreePort();
    }

    public int Port { get; private set; }

    private string Data => Path.Combine(_directory, "data");

    /// <summary>Why the server cannot start here, or null when its binaries are installed.</summary>
    public static string? Unavailable() => BinDirectory() is null
        ? "PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin; run scripts/ensure-postgresql.sh"
        : null;

    /// <summary>A new empty database; its connection string (no pooling left behind between tests: each test its own database).</summary>
    public string CreateDatabase()
    {
        string name = FormattableString.Invariant($"t{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}")[..24];
        using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
            command.ExecuteNonQuery();
        }

        return ConnectionString(name);
    }

    public void Dispose()
    {
        if (_directory.Length == 0)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        Pg("pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop");
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind is harmless.
        }
    }

    private string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        Timeout = 10,
    }.ConnectionString;

    /// <summary>A port can be taken between the probe and the server's bind; then the next one is tried.</summary>
    private int StartOnFreePort()
    {
        string error = "";
        for (int attempt = 0; attempt < 3; attempt++)
        {
            int port = FreePort();
            string options = FormattableString.Invariant($"-p {port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200");
            var (exit, _, stderr) = TryPg("pg_ctl", "-D", Data, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "30", "-o", options, "start");
            if (exit == 0)
            {
                return port;
            }

            error = stderr + ReadLog();
        }

        throw new InvalidOperationException("PostgreSQL did not start: " + error);
    }

    private string ReadLog()
    {
        string log = Path.Combine(_directory, "server.log");
        return File.Exists(log) ? File.ReadAllText(log) : "";
    }

    private void Pg(string tool, params string[] args)
    {
        var (exit, output, error) = TryPg(tool, args);
        if (exit != 0)
        {
            throw new InvalidOperationException($"{tool} exited {exit}: {error.Trim()} {output.Trim()} {ReadLog()}");
        }
    }

    private (int Exit, string Output, string Error) TryPg(string tool, params string[] args)
    {
        string path = Path.Combine(_bin, tool);
        return IsRoot()
            ? ExternalCommand.TryRun("runuser", ["-u", User, "--", path, .. args])
            : ExternalCommand.TryRun(path, args);
    }

    private static bool IsRoot() => Environment.UserName == "root";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The newest installed major version's bin folder holding both initdb and pg_ctl.</summary>
    private static string? BinDirectory()
    {
        const string Root = "/usr/lib/postgresql";
        if (!Directory.Exists(Root))
        {
            return null;
        }

        return Directory.GetDirectories(Root)
            .Select(d => Path.Combine(d, "bin"))
            .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
            .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : 0)
            .FirstOrDefault();
    }
}
