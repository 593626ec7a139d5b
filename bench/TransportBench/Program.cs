using System.Globalization;
using TransportBench;
using TransportBench.Compare;
using TransportBench.Run;
using TransportBench.Server;

// TransportBench: see ../README.md.
//   TransportBench [run] [options]              the benchmark on grpc-dotnet (driver; starts the server as a child)
//   TransportBench compare --old-dll PATH [...] the old home-made layer vs grpc-dotnet, one interleaved run
//   TransportBench server [--port N]            the server alone (used by the drivers)
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var mode = args.Length > 0 && args[0] is "run" or "compare" or "server" ? args[0] : "run";
var rest = args.Length > 0 && args[0] == mode ? args[1..] : args;
if (mode == "server")
{
    var port = rest is ["--port", var p] ? int.Parse(p, CultureInfo.InvariantCulture) : 0;
    return await ServerMode.RunAsync(port);
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(rest, compare: mode == "compare");
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
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

return mode == "compare" ? await CompareDriver.RunAsync(options) : await RunDriver.RunAsync(options);
