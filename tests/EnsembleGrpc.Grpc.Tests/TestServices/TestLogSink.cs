using Microsoft.Extensions.Logging;

namespace EnsembleGrpc.Grpc.Tests.TestServices;

/// <summary>
/// Collects log entries in memory so tests can assert what was logged and at which level, and wait for an entry
/// (event-driven: the wait completes when the entry is logged, no polling).
/// </summary>
public sealed class TestLogSink : ILoggerProvider
{
    private readonly Lock _sync = new();
    private readonly List<TestLogEntry> _entries = [];
    private readonly List<(Func<TestLogEntry, bool> Predicate, TaskCompletionSource<TestLogEntry> Signal)> _waiters = [];

    public IReadOnlyList<TestLogEntry> Entries
    {
        get
        {
            lock (_sync)
            {
                return _entries.ToArray();
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new SinkLogger(this, categoryName);

    /// <summary>Completes with the first entry (already logged or to come) that matches.</summary>
    public Task<TestLogEntry> WaitForAsync(Func<TestLogEntry, bool> predicate)
    {
        lock (_sync)
        {
            var existing = _entries.Find(e => predicate(e));
            if (existing is not null)
            {
                return Task.FromResult(existing);
            }

            var signal = new TaskCompletionSource<TestLogEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((predicate, signal));
            return signal.Task;
        }
    }

    public void Dispose()
    {
    }

    private void Add(TestLogEntry entry)
    {
        lock (_sync)
        {
            _entries.Add(entry);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Predicate(entry))
                {
                    _waiters[i].Signal.TrySetResult(entry);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    private sealed class SinkLogger(TestLogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Add(new TestLogEntry(category, logLevel, eventId, formatter(state, exception), exception));
    }
}

public sealed record TestLogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);
