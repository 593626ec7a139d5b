using EnsembleGrpc.InferenceServer.Repository;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EnsembleGrpc.InferenceServer.Hosting;

/// <summary>
/// Loads the models in the background once the host runs, so the worker answers ServerLive (and "not ready")
/// while it loads; announces readiness on stdout for scripts; on shutdown drains and unloads every model.
/// </summary>
internal sealed partial class ModelLoaderService : IHostedService
{
    /// <summary>The line scripts and process tests wait for on stdout.</summary>
    public const string ReadyLinePrefix = "EnsembleGrpc worker ready:";

    private readonly ModelManager _models;
    private readonly WorkerReadiness _readiness;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly IServer _server;
    private readonly WorkerOptions _options;
    private readonly ILogger<ModelLoaderService> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loading = Task.CompletedTask;

    public ModelLoaderService(ModelManager models, WorkerReadiness readiness, IHostApplicationLifetime lifetime, IServer server, IOptions<WorkerOptions> options, ILogger<ModelLoaderService> logger)
    {
        _models = models;
        _readiness = readiness;
        _lifetime = lifetime;
        _server = server;
        _options = options.Value;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Readiness turns false the moment shutdown begins, before the server stops taking calls: load balancers
        // and the router stop sending while what is queued still drains.
        _lifetime.ApplicationStopping.Register(static models => ((ModelManager)models!).BeginUnloading(), _models);
        _loading = Task.Run(LoadAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loading.ConfigureAwait(false);
        Log.Draining(_logger);
        await _models.UnloadAllAsync(cancellationToken).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task LoadAsync()
    {
        var allReady = await _models.LoadAllAsync(_stopping.Token).ConfigureAwait(false);
        if (!allReady)
        {
            var failed = string.Join(", ", _models.Models.Where(m => !m.IsReady).Select(m => m.Name));
            Log.NotReady(_logger, failed, _options.ExitOnLoadError);
            _readiness.Complete(false);
            if (_options.ExitOnLoadError && !_stopping.IsCancellationRequested)
            {
                Environment.ExitCode = 1;
                _lifetime.StopApplication();
            }

            return;
        }

        // The address is known once the server has started; loading may finish before that.
        await WhenStartedAsync().ConfigureAwait(false);
        var models = string.Join(",", _models.Models.Select(m => m.Name));
        var addresses = string.Join(",", _server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []);
        Log.Ready(_logger, models, addresses);
        await Console.Out.WriteLineAsync($"{ReadyLinePrefix} models={models} address={addresses}").ConfigureAwait(false);
        await Console.Out.FlushAsync().ConfigureAwait(false);
        _readiness.Complete(true);
    }

    private Task WhenStartedAsync()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _lifetime.ApplicationStarted.Register(static s => ((TaskCompletionSource)s!).TrySetResult(), started);
        _stopping.Token.Register(static s => ((TaskCompletionSource)s!).TrySetResult(), started);
        return started.Task;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "All models ready: models={Models} address={Addresses}")]
        public static partial void Ready(ILogger logger, string models, string addresses);

        [LoggerMessage(EventId = 2, Level = LogLevel.Critical, Message = "Models not ready: {Models}; exit on load error: {Exit}")]
        public static partial void NotReady(ILogger logger, string models, bool exit);

        [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Shutting down: draining queued and in-flight requests")]
        public static partial void Draining(ILogger logger);
    }
}
