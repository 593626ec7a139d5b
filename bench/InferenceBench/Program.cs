using InferenceBench;

// bench/inference.sh runs this after building it; see BenchOptions.Usage and ../README.md.
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

// Ctrl-C or SIGTERM: stop measuring; the driver's finally blocks stop every process it started.
using var abort = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    abort.Cancel();
};
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    abort.Cancel();
});

try
{
    return await new Driver(options).RunAsync(abort.Token);
}
catch (OperationCanceledException) when (abort.IsCancellationRequested)
{
    Console.Error.WriteLine("inference benchmark: interrupted; every process it started was stopped.");
    return 130;
}
catch (Exception ex)
{
    Console.Error.WriteLine($"inference benchmark failed: {ex.Message}");
    return 1;
}
