using EnsembleGrpc.Router.Experiments;
using Npgsql;

namespace EnsembleGrpc.Router.Tests.Replicas;

/// <summary>How <c>--state</c> is read: a PostgreSQL connection string or URI, or else a SQLite file (no server needed).</summary>
public sealed class PostgresStateSettingTests
{
    [Theory]
    [InlineData("Host=db;Database=ensemble;Username=router", true)]
    [InlineData("host=db;database=ensemble", true)]
    [InlineData("postgres://router@db/ensemble", true)]
    [InlineData("postgresql://db/ensemble", true)]
    [InlineData("config/router-state.db", false)]
    [InlineData("/var/lib/router/state.db", false)]
    [InlineData(":memory:", false)]
    [InlineData("none", false)]
    public void A_connection_string_or_uri_selects_postgresql_and_anything_else_sqlite(string state, bool postgres) =>
        Assert.Equal(postgres, PostgresDatabase.IsConnectionString(state));

    [Fact]
    public void A_uri_becomes_the_same_connection_with_its_escaped_password_decoded()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresDatabase.ToConnectionString("postgres://router:p%40ss%3Bword@db.example:6543/ensemble"));

        Assert.Equal(("db.example", 6543, "ensemble", "router", "p@ss;word"), (builder.Host, builder.Port, builder.Database, builder.Username, builder.Password));
        Assert.Equal(5432, new NpgsqlConnectionStringBuilder(PostgresDatabase.ToConnectionString("postgres://db/ensemble")).Port);
    }

    [Fact]
    public void An_unreachable_server_stops_the_start_with_a_message_that_names_it_but_not_the_password()
    {
        var error = Assert.Throws<ExperimentStateException>(() => PostgresDatabase.Open("Host=127.0.0.1;Port=1;Database=ensemble;Password=secret-word;Timeout=2"));

        Assert.Contains("'ensemble' on 127.0.0.1:1", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-word", error.Message, StringComparison.Ordinal);
    }
}
