using System.Diagnostics;
using System.Text.RegularExpressions;
using Grpc.Net.Client;
using EnsembleGrpc.InferenceServer.Tests.Support;
using EnsembleGrpc.Protocol;

namespace EnsembleGrpc.InferenceServer.Tests.Hosting;

/// <summary>The worker as a process, the way scripts and the interop tests start it.</summary>
public sealed partial class WorkerProcessTests
{
    private const int Sigterm = 15;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Prints_its_address_and_readiness_serves_and_exits_cleanly_on_sigterm()
    {
        using var process = Start("--repository", RepoPaths.Models, "--models", "mnist_cnn_1", "--port", "0");
        var lines = new List<string>();
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (lines)
            {
                lines.Add(e.Data);
            }

            if (e.Data.StartsWith("EnsembleGrpc worker ready:", StringComparison.Ordinal))
            {
                ready.TrySetResult(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            var readyLine = await ready.Task.WaitAsync(Timeout);
            Assert.Contains("models=mnist_cnn_1", readyLine);
            string listening;
            lock (lines)
            {
                listening = lines.Single(l => l.Contains("Now listening on: http://127.0.0.1:", StringComparison.Ordinal));
            }

            var port = int.Parse(ListeningPort().Match(listening).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains($"address=http://127.0.0.1:{port}", readyLine);

            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
            var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
            Assert.True((await client.ServerReadyAsync(new ServerReadyRequest())).Ready);
            var split = MnistSplit.Load(RepoPaths.MnistTestSplit);
            var response = await client.ModelInferAsync(Tensors.Raw("mnist_cnn_1", "input", split.Slice(0, 1), 1, 1, 28, 28));
            Assert.Equal(split.Labels[0], Tensors.ArgMax(Tensors.Output(response)));
        }
        finally
        {
            Assert.Equal(0, Kill(process.Id, Sigterm));
        }

        await process.WaitForExitAsync().WaitAsync(Timeout);
        Assert.Equal(0, process.ExitCode);
        lock (lines)
        {
            Assert.Contains(lines, l => l.Contains("is serving: model_id=mnist_cnn_1/1/", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains("Model mnist_cnn_1 drained and unloaded", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Reports_every_configuration_error_at_once_and_exits_with_code_2()
    {
        using var process = Start("--repository", "/nonexistent", "--port", "70000", "--device", "gpu", "--concurrency", "0", "--fault-failure-rate", "2");
        var errors = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Timeout);

        Assert.Equal(2, process.ExitCode);
        var text = await errors;
        Assert.Contains("--models: name at least one model", text);
        Assert.Contains("--repository: directory '/nonexistent' does not exist", text);
        Assert.Contains("--port: 70000 is outside 0..65535", text);
        Assert.Contains("--device: 'gpu' is not auto, cpu, cuda or cuda:N", text);
        Assert.Contains("--concurrency: 0 is outside 1..64", text);
        Assert.Contains("--fault-failure-rate: 2 is outside 0..1", text);
    }

    [Fact]
    public async Task Exits_with_code_1_when_a_model_fails_to_load()
    {
        using var repository = new FakeRepository("fake");

        // The fake model's model.onnx is empty: ONNX Runtime refuses it, and the worker exits rather than half-serve.
        using var process = Start("--repository", repository.Root, "--models", "fake", "--port", "0");
        var output = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Timeout);

        Assert.Equal(1, process.ExitCode);
        Assert.Contains("Model fake failed to load and is UNAVAILABLE", await output);
    }

    private static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "EnsembleGrpc.InferenceServer.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }

    /// <summary>Sends a signal with the system's kill(1): no unsafe code needed in the tests.</summary>
    private static int Kill(int pid, int signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} {pid}") { UseShellExecute = false })!;
        kill.WaitForExit();
        return kill.ExitCode;
    }

    [GeneratedRegex(@"Now listening on: http://127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningPort();
}
