using System.Globalization;
using TransportBench;

// TransportBench: see ../README.md.
//   TransportBench [run] [options]   the benchmark (driver): starts the server as a child process, runs everything
//   TransportBench server [--port N] the server alone (used by the driver)
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args.Length > 0 && args[0] == "server")
{
    var port = 0;
    for (var i = 1; i < args.Length - 1; i++)
    {
        if (args[i] == "--port")
        {
            port = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
        }
    }

    return await ServerMode.RunAsync(port);
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args.Length > 0 && args[0] == "run" ? args[1..] : args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

return await Driver.RunAsync(options);
