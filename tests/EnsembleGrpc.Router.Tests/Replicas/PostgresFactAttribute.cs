namespace EnsembleGrpc.Router.Tests.Replicas;

/// <summary>A fact that is skipped, saying why, where no PostgreSQL server binaries are installed to start one.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Reason = new(PostgresServer.Unavailable);

    public PostgresFactAttribute()
    {
        if (Reason.Value is { } reason)
        {
            Skip = reason;
        }
    }
}
