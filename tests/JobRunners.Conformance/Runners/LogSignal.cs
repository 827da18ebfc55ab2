using Microsoft.Extensions.Logging;

namespace JobRunners.Conformance;

/// <summary>A logger provider that completes <see cref="Seen"/> when a log line contains the given text: a test waits on it instead of sleeping.</summary>
public sealed class LogSignal : ILoggerProvider
{
    private readonly string _text;
    private readonly TaskCompletionSource<string> _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Watches for <paramref name="text"/>.</summary>
    public LogSignal(string text) => _text = text;

    /// <summary>Completes with the first line that contained the text.</summary>
    public Task<string> Seen => _seen.Task;

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(LogSignal owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = formatter(state, exception);
            if (line.Contains(owner._text, StringComparison.Ordinal))
            {
                owner._seen.TrySetResult(line);
            }
        }
    }
}
