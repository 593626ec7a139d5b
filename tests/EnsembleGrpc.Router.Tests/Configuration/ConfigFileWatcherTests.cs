using EnsembleGrpc.Router.Configuration;
using EnsembleGrpc.Router.Tests.Experiments;
using EnsembleGrpc.Router.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EnsembleGrpc.Router.Tests.Configuration;

/// <summary>
/// A routing file copied over the live one (several events, a half-written file) is reloaded once, without a spurious
/// error. Driven by a fake clock and <see cref="ConfigFileWatcher.NotifyChanged"/> (what the file events call), with
/// the file really written in two halves.
/// </summary>
public sealed class ConfigFileWatcherTests : IDisposable
{
    private static readonly TimeSpan Debounce = ConfigFileWatcher.DefaultDebounce;
    private readonly TestFiles _files = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly FakeTimeProvider _time = new();
    private readonly RoutingConfigProvider _provider;
    private readonly ConfigFileWatcher _watcher;
    private readonly string _path;

    public ConfigFileWatcherTests()
    {
        _files.Write("repo/a/config.json", """{ "training": { "validation_error": 0.03 } }""");
        _files.Write("repo/b/config.json", """{ "training": { "validation_error": 0.05 } }""");
        _path = _files.Write("routing.json", Config(timeoutMs: 1000));
        var loggers = new LoggerFactory([_logs]);
        _provider = new RoutingConfigProvider(_path, TestBuilders.ModelBuilder(), _time, loggers.CreateLogger<RoutingConfigProvider>());
        _watcher = new ConfigFileWatcher(_provider, _time, loggers.CreateLogger<ConfigFileWatcher>());
    }

    public void Dispose()
    {
        _watcher.Dispose();
        _files.Dispose();
    }

    [Fact]
    public void Events_in_quick_succession_give_one_reload_after_the_last_one_has_been_quiet_for_the_debounce()
    {
        string next = Config(timeoutMs: 250);
        WriteFirstHalf(next);
        _watcher.NotifyChanged();
        _time.Advance(Debounce - TimeSpan.FromMilliseconds(50));
        File.WriteAllText(_path, next);
        _watcher.NotifyChanged();
        _time.Advance(Debounce - TimeSpan.FromMilliseconds(50));
        long beforeQuiet = _provider.Current.Version;

        _time.Advance(TimeSpan.FromMilliseconds(50));

        Assert.Equal(1, beforeQuiet);
        Assert.Equal(2, _provider.Current.Version);
        Assert.Equal(TimeSpan.FromMilliseconds(250), _provider.Current.Ensembles["mnist"].Timeout);
        Assert.Empty(Errors());
        Assert.Single(_logs.Entries, e => e.EventName == "ConfigReloaded");
    }

    [Fact]
    public void A_half_written_file_is_read_again_after_another_debounce_and_its_completion_is_loaded_without_an_error()
    {
        string next = Config(timeoutMs: 300);
        WriteFirstHalf(next);
        _watcher.NotifyChanged();
        _time.Advance(Debounce);
        long whileHalf = _provider.Current.Version;

        // The rest of the copy arrives with no event of its own reaching the watcher (e.g. coalesced by the kernel).
        File.AppendAllText(_path, next[(next.Length / 2)..]);
        _time.Advance(Debounce);

        Assert.Equal(1, whileHalf);
        Assert.Equal(2, _provider.Current.Version);
        Assert.Equal(TimeSpan.FromMilliseconds(300), _provider.Current.Ensembles["mnist"].Timeout);
        Assert.Empty(Errors());
        Assert.Single(_logs.Entries, e => e.EventName == "ConfigNotSettled");
    }

    [Fact]
    public void A_file_that_stays_half_written_is_reported_once_after_the_retry_and_the_last_good_version_keeps_serving()
    {
        WriteFirstHalf(Config(timeoutMs: 300));
        _watcher.NotifyChanged();
        _time.Advance(Debounce);
        int errorsAfterFirstLook = Errors().Count;

        _time.Advance(Debounce);
        _time.Advance(Debounce * 10);

        Assert.Equal(0, errorsAfterFirstLook);
        Assert.Contains("was NOT reloaded", Assert.Single(Errors()).Message, StringComparison.Ordinal);
        Assert.Equal(1, _provider.Current.Version);
    }

    [Fact]
    public void A_complete_but_invalid_file_is_reported_after_one_debounce_without_a_retry()
    {
        File.WriteAllText(_path, Config(timeoutMs: 0));
        _watcher.NotifyChanged();

        _time.Advance(Debounce);

        Assert.Contains("timeout_ms", Assert.Single(Errors()).Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_logs.Entries, e => e.EventName == "ConfigNotSettled");
    }

    [Fact]
    public void An_event_during_the_retry_wait_starts_a_new_quiet_period_with_a_retry_of_its_own()
    {
        string next = Config(timeoutMs: 400);
        WriteFirstHalf(next);
        _watcher.NotifyChanged();
        _time.Advance(Debounce); // half-written: a retry is due in one debounce
        _time.Advance(Debounce / 2);
        WriteFirstHalf(Config(timeoutMs: 500)); // a second copy starts, still half-written
        _watcher.NotifyChanged();
        _time.Advance(Debounce); // its own first look: half-written again, so no error yet
        int errorsBeforeItsRetry = Errors().Count;

        File.WriteAllText(_path, Config(timeoutMs: 500));
        _time.Advance(Debounce);

        Assert.Equal(0, errorsBeforeItsRetry);
        Assert.Empty(Errors());
        Assert.Equal(TimeSpan.FromMilliseconds(500), _provider.Current.Ensembles["mnist"].Timeout);
    }

    [Theory]
    [InlineData("routing.json", true)]
    [InlineData(ConfigFileWatcher.KubernetesDataLink, true)]
    [InlineData("..data_tmp", false)]
    [InlineData("router-state.db", false)]
    [InlineData("routing.json.swp", false)]
    public void Only_events_about_the_file_or_the_kubernetes_data_link_count(string name, bool counts) =>
        Assert.Equal(counts, _watcher.Concerns(name));

    private void WriteFirstHalf(string text) => File.WriteAllText(_path, text[..(text.Length / 2)]);

    private List<(string? EventName, LogLevel Level, string Message)> Errors() => _logs.Entries.Where(e => e.Level >= LogLevel.Warning).ToList();

    internal static string Config(int timeoutMs) => $$"""
        { "model_repository": "repo",
          "ensembles": [ { "name": "mnist", "timeout_ms": {{timeoutMs}},
            "members": [ { "name": "a", "endpoints": ["http://127.0.0.1:8001"] }, { "name": "b", "endpoints": ["http://127.0.0.1:8002"] } ],
            "arms": [ { "name": "bag", "strategy": "bagging", "weight": 1 } ] } ] }
        """;
}
