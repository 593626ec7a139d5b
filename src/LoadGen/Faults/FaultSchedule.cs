using EnsembleGrpc.LoadGen.Load;
using EnsembleGrpc.LoadGen.Measurement;

namespace EnsembleGrpc.LoadGen.Faults;

/// <summary>
/// Begins and ends the fault at the planned offsets from the start of measurement, and remembers when it really
/// happened (a command takes time), so the analysis splits records at the actual boundaries.
/// </summary>
public sealed class FaultSchedule(LoadClock clock, FaultPlan plan, IFaultInjector injector, IRunObserver observer)
{
    public long? BeganAt { get; private set; }

    public long? EndedAt { get; private set; }

    public string? Error { get; private set; }

    public async Task RunAsync(long measureStart, CancellationToken cancellationToken)
    {
        await clock.WaitUntilAsync(measureStart + clock.ToTicks(plan.Start), cancellationToken).ConfigureAwait(false);
        BeganAt = clock.Now;
        observer.Note($"fault begins: {injector.Description}");
        try
        {
            await injector.BeginAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            Error = ex.Message;
            observer.Note($"fault could not begin: {ex.Message}");
        }

        try
        {
            await clock.WaitUntilAsync(measureStart + clock.ToTicks(plan.End), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // End the fault even on Ctrl-C: never leave a worker paused.
            observer.Note("fault ends");
            try
            {
                await injector.EndAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or TimeoutException)
            {
                Error ??= ex.Message;
                observer.Note($"fault could not end: {ex.Message}");
            }

            EndedAt = clock.Now;
        }
    }
}
