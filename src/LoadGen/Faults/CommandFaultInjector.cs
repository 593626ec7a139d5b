namespace EnsembleGrpc.LoadGen.Faults;

/// <summary>Runs one command when the fault begins and another when it ends (e.g. <c>kill -STOP 1234</c> / <c>kill -CONT 1234</c>).</summary>
public sealed class CommandFaultInjector(string beginCommand, string? endCommand) : IFaultInjector
{
    public string Description => endCommand is null ? $"run '{beginCommand}'" : $"run '{beginCommand}', then '{endCommand}'";

    public Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task BeginAsync(CancellationToken cancellationToken) => ShellCommand.RunAsync(beginCommand, cancellationToken);

    public Task EndAsync(CancellationToken cancellationToken)
        => endCommand is null ? Task.CompletedTask : ShellCommand.RunAsync(endCommand, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
