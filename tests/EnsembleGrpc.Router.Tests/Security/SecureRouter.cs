using EnsembleGrpc.Hosting;
using EnsembleGrpc.Router.Ensemble;
using EnsembleGrpc.Router.Hosting;
using EnsembleGrpc.Router.Model;
using EnsembleGrpc.Router.Preprocessing;
using EnsembleGrpc.Router.Tests.Experiments;
using EnsembleGrpc.Router.Tests.Support;
using EnsembleGrpc.Router.Workers;
using EnsembleGrpc.Tests.Shared;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Router.Tests.Security;

/// <summary>
/// A real router on 127.0.0.1 (port 0, no warm-up, no file watching) for the security tests, its log entries captured.
/// By default it has no workers (a fake client that never answers): admin calls need none.
/// </summary>
internal sealed class SecureRouter : IAsyncDisposable
{
    private SecureRouter(RouterHost host, CapturingLoggerProvider logs)
    {
        Host = host;
        Logs = logs;
    }

    public RouterHost Host { get; }

    public CapturingLoggerProvider Logs { get; }

    public static async Task<SecureRouter> StartAsync(string routingFile, string[] args, Action<IServiceCollection>? services = null, bool realWorkers = false)
    {
        var logs = new CapturingLoggerProvider();
        var host = RouterHost.Build(
            ["--config", routingFile, "--port", "0", "--watch", "false", "--warmup", "false", "--state", "none", "--Logging:LogLevel:Default", "Warning", .. args],
            s =>
            {
                if (!realWorkers)
                {
                    s.AddSingleton<IWorkerClient>(new NoWorkers());
                }

                s.AddSingleton<ILoggerProvider>(logs);
                services?.Invoke(s);
            });
        try
        {
            await host.StartAsync();
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return new SecureRouter(host, logs);
    }

    /// <summary>A routing file with ensemble "mnist" (one member at <paramref name="endpoint"/>) and, when given, the admin token.</summary>
    public static string Routing(string? adminToken, string endpoint = "http://127.0.0.1:9") => $$"""
        {
          {{(adminToken is null ? "" : $"\"admin_token\": \"{adminToken}\",")}}
          "model_repository": "{{RepoPaths.Models.Replace("\\", "/", StringComparison.Ordinal)}}",
          "ensembles": [ { "name": "mnist", "timeout_ms": 5000,
                           "members": [ { "name": "mnist_cnn_1", "endpoints": ["{{endpoint}}"] } ],
                           "arms": [ { "name": "bagging", "strategy": "bagging", "weight": 1 } ] } ]
        }
        """;

    /// <summary>An h2c channel to <paramref name="port"/> (default: the main port).</summary>
    public GrpcChannel Plain(int? port = null) => GrpcChannel.ForAddress($"http://127.0.0.1:{port ?? Host.Port}");

    /// <summary>A TLS channel to <paramref name="port"/> trusting <paramref name="certificates"/>' CA.</summary>
    public GrpcChannel Tls(TestCertificates certificates, int? port = null)
        => GrpcChannels.Create($"https://127.0.0.1:{port ?? Host.Port}", new GrpcClientSettings { TrustedAuthorities = certificates.LoadCa() });

    public IReadOnlyList<(string? EventName, LogLevel Level, string Message)> Entries(string eventName)
        => [.. Logs.Entries.Where(e => e.EventName == eventName)];

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    private sealed class NoWorkers : IWorkerClient
    {
        public Task<WorkerReply> InferAsync(string endpoint, MemberModel member, ModelInput input, TimeSpan timeout, CancellationToken cancellationToken) =>
            Task.FromResult(WorkerReply.Failed(MemberFailureKind.WorkerError, "no workers in this test"));

        public Task<WorkerReadiness> ProbeReadyAsync(string endpoint, string model, string version, TimeSpan timeout, CancellationToken cancellationToken) =>
            Task.FromResult(new WorkerReadiness(false, "no workers in this test"));
    }
}
