using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace JobRunners.Tests.Execution;

/// <summary>
/// Keeps every log line written through the loggers it provides, with its event id and the structured fields of the
/// scopes it was written in, for tests that assert what was logged.
/// </summary>
internal sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<Line> Lines { get; } = new();

    public IEnumerable<string> At(LogLevel level) => Lines.Where(l => l.Level == level).Select(l => l.Message);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>The logger factory hands every provider the one scope stack all its loggers share.</summary>
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    /// <summary>One log line; <paramref name="Scope"/> holds the fields of every scope around it, innermost last.</summary>
    public sealed record Line(LogLevel Level, string Category, EventId EventId, string Message, IReadOnlyDictionary<string, object?> Scope);

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scope = new Dictionary<string, object?>(StringComparer.Ordinal);
            owner._scopes.ForEachScope(
                static (scopeState, fields) =>
                {
                    if (scopeState is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        foreach (var (key, value) in pairs)
                        {
                            fields[key] = value;
                        }
                    }
                },
                scope);
            owner.Lines.Enqueue(new Line(logLevel, category, eventId, formatter(state, exception), scope));
        }
    }
}
