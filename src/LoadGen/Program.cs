using System.CommandLine;
using System.Runtime.InteropServices;
using EnsembleGrpc.LoadGen.Cli;
using Spectre.Console;

// Ctrl-C (or SIGTERM) once: stop sending, finish the step in hand and write the report. Twice: exit at once.
using var abort = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (!abort.IsCancellationRequested)
    {
        e.Cancel = true;
        abort.Cancel();
    }
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    abort.Cancel();
});

var command = new LoadGenCommand();
command.Root.SetAction(async (parseResult, _) =>
{
    var settings = command.Bind(parseResult, out var errors);
    if (settings is null)
    {
        foreach (var error in errors)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(error)}");
        }

        return ExitCodes.InvalidRun;
    }

    return await ProfileRun.ExecuteAsync(settings, AnsiConsole.Console, abort.Token);
});

// Termination is ours (above), not System.CommandLine's: the report must be written after Ctrl-C.
return await command.Root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
