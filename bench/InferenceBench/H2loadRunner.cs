using System.Globalization;
using System.Text.RegularExpressions;

namespace InferenceBench;

/// <summary>One h2load run: its own figures plus the server's count of successful inferences over the run.</summary>
internal sealed record H2loadSample(int Connections, int Streams, long Requests, double RequestsPerSecond, double Seconds,
    long Succeeded, long Failed, long Errored, double MeanMs, ulong ServerSucceeded);

/// <summary>
/// h2load (nghttp2-client) against a worker: POSTs the framed ModelInfer request file with gRPC's headers.
/// h2load counts HTTP 2xx only; the server's ModelStatistics success count is read before and after to confirm
/// every request was a real, successful inference.
/// </summary>
internal sealed partial class H2loadRunner(BenchOptions options, string bodyFile)
{
    public async Task<H2loadSample> RunAsync(Uri worker, InferenceClient statistics, string model, int connections, long requests,
        CancellationToken cancellationToken)
    {
        var url = new Uri(worker, "/inference.GRPCInferenceService/ModelInfer").ToString();
        string[] arguments =
        [
            "-n", requests.ToString(CultureInfo.InvariantCulture),
            "-c", connections.ToString(CultureInfo.InvariantCulture),
            "-m", options.H2loadStreams.ToString(CultureInfo.InvariantCulture),
            "-t", "1",
            $"--data={bodyFile}",
            "-H", "content-type: application/grpc",
            "-H", "te: trailers",
            url,
        ];
        var before = await statistics.SuccessCountAsync(model, cancellationToken);
        await using var process = ChildProcess.Start("h2load", "h2load", arguments, options.PidFile, captureStdout: true);
        var exit = await process.WaitForExitAsync(TimeSpan.FromSeconds(Math.Max(30, options.H2loadSeconds * 10)), cancellationToken);
        var after = await statistics.SuccessCountAsync(model, cancellationToken);
        var text = process.Stdout;
        var finished = Finished().Match(text);
        var counts = Counts().Match(text);
        if (exit != 0 || !finished.Success || !counts.Success)
        {
            throw new InvalidOperationException($"h2load exited with {exit}; output:\n{process.Tail}");
        }

        var mean = RequestTime().Match(text);
        return new H2loadSample(
            connections,
            options.H2loadStreams,
            requests,
            Double(finished.Groups["rps"].Value),
            Seconds(finished.Groups["time"].Value),
            long.Parse(counts.Groups["ok"].Value, CultureInfo.InvariantCulture),
            long.Parse(counts.Groups["failed"].Value, CultureInfo.InvariantCulture),
            long.Parse(counts.Groups["errored"].Value, CultureInfo.InvariantCulture),
            mean.Success ? Seconds(mean.Groups["mean"].Value) * 1000 : double.NaN,
            after - before);
    }

    private static double Double(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>h2load prints durations as 1.23s, 456.78ms or 789us.</summary>
    private static double Seconds(string text)
    {
        if (text.EndsWith("us", StringComparison.Ordinal))
        {
            return Double(text[..^2]) / 1e6;
        }

        return text.EndsWith("ms", StringComparison.Ordinal) ? Double(text[..^2]) / 1e3 : Double(text.TrimEnd('s'));
    }

    // finished in 1.23s, 16234.56 req/s, 5.12MB/s
    [GeneratedRegex(@"finished in (?<time>[0-9.]+(?:us|ms|s)), (?<rps>[0-9.]+) req/s")]
    private static partial Regex Finished();

    // requests: 20000 total, 20000 started, 20000 done, 20000 succeeded, 0 failed, 0 errored, 0 timeout
    [GeneratedRegex(@"requests: (?<total>\d+) total, \d+ started, \d+ done, (?<ok>\d+) succeeded, (?<failed>\d+) failed, (?<errored>\d+) errored")]
    private static partial Regex Counts();

    // time for request:   123us   4.56ms   789us ...   (min, max, mean, sd, +/- sd)
    [GeneratedRegex(@"time for request:\s+\S+\s+\S+\s+(?<mean>[0-9.]+(?:us|ms|s))")]
    private static partial Regex RequestTime();
}
