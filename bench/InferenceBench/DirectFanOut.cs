using System.Diagnostics;
using EnsembleGrpc.Datasets;
using EnsembleGrpc.Hosting;
using EnsembleGrpc.Protocol;
using Grpc.Core;
using Grpc.Net.Client;

namespace InferenceBench;

/// <summary>
/// What calling every member's worker in parallel costs at concurrency 1 with no router in between: one client, with
/// channels built as the router builds its worker channels (<see cref="GrpcChannels.Create"/>, connect on demand),
/// sends a real digit to the first worker alone, then the same digit to every worker at once (Task.WhenAll), in
/// alternating blocks so that both see the same machine. The difference of the two is the fan-out's floor on this
/// machine: the router's c=1 overhead over one worker can be no smaller than it plus the router's own hop.
/// </summary>
internal sealed class DirectFanOut : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Block = TimeSpan.FromMilliseconds(250);
    private const int Digits = 64;

    private readonly GrpcChannel[] _channels;
    private readonly GRPCInferenceService.GRPCInferenceServiceClient[] _clients;
    private readonly ModelInferRequest[][] _requests;

    public DirectFanOut(IReadOnlyList<(string Model, Uri Worker)> members, EgdsDataset dataset)
    {
        var settings = new GrpcClientSettings { ConnectOnDemand = true };
        _channels = [.. members.Select(m => GrpcChannels.Create(m.Worker.ToString().TrimEnd('/'), settings))];
        _clients = [.. _channels.Select(c => new GRPCInferenceService.GRPCInferenceServiceClient(c))];
        _requests = [.. members.Select(m => Enumerable.Range(0, Digits).Select(i => InferenceClient.DigitRequest(m.Model, dataset, i)).ToArray())];
    }

    /// <summary>Alternating blocks for <paramref name="measure"/> after <paramref name="warmup"/> (both kinds), each call timed alone.</summary>
    public async Task<DirectFanOutSample> MeasureAsync(TimeSpan warmup, TimeSpan measure, CancellationToken cancellationToken)
    {
        var one = new List<double>();
        var all = new List<double>();
        await RunAsync(warmup, null, null, cancellationToken);
        await RunAsync(measure, one, all, cancellationToken);
        return new DirectFanOutSample(_clients.Length, Percentile(one, 0.50), Percentile(one, 0.99), Percentile(all, 0.50), Percentile(all, 0.99), one.Count, all.Count);
    }

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }

    private async Task RunAsync(TimeSpan length, List<double>? one, List<double>? all, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var digit = 0;
        var fanOut = false;
        while (total.Elapsed < length)
        {
            var block = Stopwatch.StartNew();
            while (block.Elapsed < Block)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var started = Stopwatch.GetTimestamp();
                if (fanOut)
                {
                    await Task.WhenAll(_clients.Select((client, i) => CallAsync(client, _requests[i][digit], cancellationToken)));
                }
                else
                {
                    await CallAsync(_clients[0], _requests[0][digit], cancellationToken);
                }

                (fanOut ? all : one)?.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                digit = (digit + 1) % Digits;
            }

            fanOut = !fanOut;
        }
    }

    private static async Task CallAsync(GRPCInferenceService.GRPCInferenceServiceClient client, ModelInferRequest request, CancellationToken cancellationToken)
    {
        var response = await client.ModelInferAsync(request, new CallOptions(deadline: DateTime.UtcNow + Deadline, cancellationToken: cancellationToken));
        if (response.RawOutputContents.Count == 0 && response.Outputs.Count == 0)
        {
            throw new InvalidOperationException($"{request.ModelName}: an answer without outputs");
        }
    }

    private static double Percentile(List<double> values, double q)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        values.Sort();
        return values[Math.Min(values.Count - 1, (int)Math.Ceiling(q * values.Count) - 1)];
    }
}

/// <summary>Latency percentiles in ms of the first worker alone and of every member's worker called at once, concurrency 1.</summary>
internal sealed record DirectFanOutSample(int Members, double OneP50Ms, double OneP99Ms, double AllP50Ms, double AllP99Ms, int OneCalls, int AllCalls);
