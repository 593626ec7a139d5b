using System.Diagnostics;
using System.Net;
using System.Runtime;
using System.Text.Json;
using EnsembleGrpc.Grpc.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TransportBench;

/// <summary>
/// `TransportBench server [--port N]`: our gRPC server (Kestrel h2c on 127.0.0.1) serving <see cref="BenchEchoService"/>,
/// in its own process. Control over stdin/stdout, one JSON object per line:
///   out {"event":"listening","port":N}   once serving
///   in  "stats"  → out {"event":"stats","allocated":bytes,"calls":n,"cpu_ms":ms,"gen0":..,"gen1":..,"gen2":..}
///   in  "quit" or EOF → the server stops and the process exits.
/// </summary>
internal static class ServerMode
{
    public static async Task<int> RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpcServer();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            GrpcKestrel.ListenH2c(k, new IPEndPoint(IPAddress.Loopback, port));
        });

        await using var app = builder.Build();
        app.MapGrpcService<BenchEchoService>();
        await app.StartAsync();

        var boundPort = GrpcKestrel.BoundPort(app.Services);
        Emit(new { @event = "listening", port = boundPort, server_gc = GCSettings.IsServerGC });

        var process = Process.GetCurrentProcess();
        while (Console.In.ReadLine() is { } line)
        {
            switch (line.Trim())
            {
                case "stats":
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
                    break;
                case "quit":
                    await app.StopAsync();
                    return 0;
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
