namespace EnsembleGrpc.LoadGen.Faults;

/// <summary>Something that can break a worker for a while: begin the fault, end it, clean up.</summary>
public interface IFaultInjector : IAsyncDisposable
{
    string Description { get; }

    /// <summary>Prepares before the run (starts a managed worker and waits until it listens).</summary>
    Task PrepareAsync(CancellationToken cancellationToken);

    Task BeginAsync(CancellationToken cancellationToken);

    Task EndAsync(CancellationToken cancellationToken);
}
