using System.Diagnostics;
using System.Net;
using System.Runtime;
using System.Text.Json;
using EnsembleGrpc.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TransportBench.Server;

/// <summary>
/// `TransportBench server [--port N]`: Grpc.AspNetCore on Kestrel h2c (127.0.0.1, <see cref="GrpcKestrel.ListenH2c"/>)
/// serving <see cref="BenchEchoService"/>, in its own process, logging off. Control over stdin/stdout, one JSON object
/// per line — the same protocol the old layer's bench server spoke, so the comparison drives both alike:
///   out {"event":"listening","port":N,"server_gc":bool}   once serving
///   in  "stats"  → out {"event":"stats","allocated":bytes,"calls":n,"cpu_ms":ms,"gen0":..,"gen1":..,"gen2":..}
///   in  "quit" or EOF → the server stops and the process exits.
/// </summary>
internal static class ServerMode
{
    public static async Task<int> RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            GrpcKestrel.ListenH2c(k, new IPEndPoint(IPAddress.Loopback, port));
        });

        await using var app = builder.Build();
        app.MapGrpcService<BenchEchoService>();
        await app.StartAsync();
        Emit(new { @event = "listening", port = GrpcKestrel.BoundPort(app.Services), server_gc = GCSettings.IsServerGC });

        using var process = Process.GetCurrentProcess();
        while (await Console.In.ReadLineAsync() is { } line)
        {
            if (line.Trim() == "quit")
            {
                break;
            }

            if (line.Trim() == "stats")
            {
                process.Refresh();
                Emit(new
                {
                    @event = "stats",
                    allocated = GC.GetTotalAllocatedBytes(precise: true),
                    calls = BenchEchoService.Calls,
                    cpu_ms = process.TotalProcessorTime.TotalMilliseconds,
                    gen0 = GC.CollectionCount(0),
                    gen1 = GC.CollectionCount(1),
                    gen2 = GC.CollectionCount(2),
                });
            }
        }

        await app.StopAsync();
        return 0;
    }

    private static void Emit(object value)
    {
        Console.Out.WriteLine(JsonSerializer.Serialize(value));
        Console.Out.Flush();
    }
}
