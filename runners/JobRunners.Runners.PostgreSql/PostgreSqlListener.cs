using Microsoft.Extensions.Logging;
using Npgsql;

namespace JobRunners.Runners.PostgreSql;

/// <summary>
/// Holds one connection that LISTENs on the runner's channel and hands every notification to the worker.
/// Reconnects with capped backoff when the connection drops; after each (re)connect the worker is woken once,
/// because notifications sent while nobody listened are gone.
/// </summary>
internal sealed class PostgreSqlListener
{
    // How long the connection may sit silent before a ping proves it is still alive.
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    private readonly PostgreSqlWorkEngine _engine;
    private readonly Action<string> _onMessage;
    private readonly Action _onListening;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _failures;
    private bool _up;

    public PostgreSqlListener(PostgreSqlWorkEngine engine, Action<string> onMessage, Action onListening, ILogger logger)
    {
        _engine = engine;
        _onMessage = onMessage;
        _onListening = onListening;
        _logger = logger;
    }

    /// <summary>Completes once the first LISTEN is in place (or the listener stopped).</summary>
    public Task Listening => _listening.Task;

    /// <summary>True while the LISTEN connection is up: notifications arrive, and the worker need not poll often.</summary>
    public bool IsListening => Volatile.Read(ref _up);

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await ListenAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // Whatever broke the connection, the worker polls meanwhile and the listener reconnects.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    _failures++;
                    var delay = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(_failures, 10))));
                    PostgreSqlLog.ListenConnectionLost(_logger, ex, _engine.Channel, delay, _engine.Options.PollInterval);
                    await Task.Delay(delay, _engine.Time, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            _listening.TrySetResult();
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var connection = await _engine.Store.OpenListenerConnectionAsync(stoppingToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            connection.Notification += (_, e) => _onMessage(e.Payload);
            var listen = new NpgsqlCommand($"LISTEN \"{_engine.Channel}\"", connection);
            await using (listen.ConfigureAwait(false))
            {
                await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
            }

            _failures = 0;
            Volatile.Write(ref _up, true);
            _listening.TrySetResult();
            _onListening();
            try
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    if (!await connection.WaitAsync(KeepAlive, stoppingToken).ConfigureAwait(false))
                    {
                        var ping = new NpgsqlCommand("SELECT 1", connection);
                        await using (ping.ConfigureAwait(false))
                        {
                            await ping.ExecuteScalarAsync(stoppingToken).ConfigureAwait(false);
                        }
                    }
                }
            }
            finally
            {
                Volatile.Write(ref _up, false);
                await UnlistenAsync(connection).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The connection goes back to the store's pool, which does not reset connections: stop listening first, so
    /// no other use of it receives this channel's notifications.
    /// </summary>
    private static async Task UnlistenAsync(NpgsqlConnection connection)
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            var unlisten = new NpgsqlCommand("UNLISTEN *", connection);
            await using (unlisten.ConfigureAwait(false))
            {
                await unlisten.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // A broken connection is discarded by the pool anyway.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
