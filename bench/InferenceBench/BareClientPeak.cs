using System.Diagnostics;
using EnsembleGrpc.Datasets;
using EnsembleGrpc.Hosting;
using EnsembleGrpc.Protocol;
using Grpc.Core;
using Grpc.Net.Client;

namespace InferenceBench;

/// <summary>
/// Grpc.Net.Client and nothing else against the worker: <see cref="Concurrency"/> loops over <c>connections</c> channels
/// (h2load's shape: 2 connections, 64 streams in flight) send real digits, each message built once, with a deadline
/// as LoadGen sends one, and keep no record beyond a count. Its peak beside h2load's and LoadGen's splits LoadGen's
/// gap to h2load into what the gRPC client stack costs and what LoadGen's own bookkeeping costs. Its CPU per call is
/// this process's CPU time over the measured window (the benchmark's other threads are idle meanwhile).
/// </summary>
internal sealed class BareClientPeak : IDisposable
{
    private const int Digits = 64;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly GrpcChannel[] _channels;
    private readonly GRPCInferenceService.GRPCInferenceServiceClient[] _clients;
    private readonly ModelInferRequest[] _requests;

    public BareClientPeak(Uri worker, string model, EgdsDataset dataset, int connections, int callsPerConnection)
    {
        Concurrency = connections * callsPerConnection;
        _channels = [.. Enumerable.Range(0, connections).Select(_ => GrpcChannels.Create(worker.ToString().TrimEnd('/')))];
        _clients = [.. _channels.Select(c => new GRPCInferenceService.GRPCInferenceServiceClient(c))];
        _requests = [.. Enumerable.Range(0, Digits).Select(i => InferenceClient.DigitRequest(model, dataset, i))];
    }

    public int Connections => _channels.Length;

    /// <summary>Calls in flight: connections × calls per connection.</summary>
    public int Concurrency { get; }

    public async Task<BareClientSample> MeasureAsync(TimeSpan warmup, TimeSpan measure, CancellationToken cancellationToken)
    {
        long calls = 0;
        long failures = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var loops = Enumerable.Range(0, Concurrency).Select(i => Task.Run(async () =>
        {
            var client = _clients[i % _clients.Length];
            var digit = i % Digits;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await client.ModelInferAsync(_requests[digit], new CallOptions(deadline: DateTime.UtcNow + Deadline));
                    Interlocked.Increment(ref calls);
                }
                catch (RpcException)
                {
                    Interlocked.Increment(ref failures);
                }

                digit = (digit + 1) % Digits;
            }
        }, CancellationToken.None)).ToArray();

        try
        {
            await Task.Delay(warmup, cancellationToken);
            var self = Process.GetCurrentProcess();
            var cpu0 = self.TotalProcessorTime;
            var calls0 = Interlocked.Read(ref calls);
            var clock = Stopwatch.StartNew();
            await Task.Delay(measure, cancellationToken);
            var done = Interlocked.Read(ref calls) - calls0;
            var elapsed = clock.Elapsed;
            self.Refresh();
            var cpu = self.TotalProcessorTime - cpu0;
            return new BareClientSample(Concurrency, Connections, done / elapsed.TotalSeconds, done == 0 ? double.NaN : cpu.TotalMicroseconds / done, done, Interlocked.Read(ref failures));
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(loops);
        }
    }

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }
}

/// <summary>Requests/s of the bare client over the measured window, its CPU µs per call, calls and failed calls (whole run).</summary>
internal sealed record BareClientSample(int Concurrency, int Connections, double RequestsPerSecond, double ClientCpuUsPerCall, long Calls, long Failures);
