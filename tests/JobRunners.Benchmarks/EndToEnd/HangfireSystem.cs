using Hangfire;
using Hangfire.PostgreSql;
using Npgsql;

namespace JobRunners.Benchmarks.EndToEnd;

/// <summary>
/// Hangfire 1.8 with Hangfire.PostgreSql 1.21 on the same server: W workers, one client enqueuing. Configured for
/// its lowest latency: <c>QueuePollInterval</c> 50 ms and <c>EnableLongPolling</c> (LISTEN/NOTIFY wake-ups).
/// Hangfire has no batch enqueue in its open-source core (batches are Hangfire.Pro), so only one-by-one is measured.
/// </summary>
internal sealed class HangfireSystem : IEndToEndSystem
{
    public const string Schema = "hangfire";

    private readonly string _connectionString;
    private readonly NpgsqlDataSource _admin;
    private PostgreSqlStorage? _storage;
    private BackgroundJobServer? _server;
    private BackgroundJobClient? _client;

    public HangfireSystem(string connectionString, NpgsqlDataSource admin)
    {
        _connectionString = connectionString;
        _admin = admin;
    }

    public string Name => "hangfire-pg";

    public string? BatchApi => null;

    /// <summary>QueuePollInterval in ms (default 50; BENCH_HANGFIRE_POLL_MS overrides it to compare settings).</summary>
    public static int PollMilliseconds { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("BENCH_HANGFIRE_POLL_MS"), out var ms) && ms > 0 ? ms : 50;

    public static PostgreSqlStorageOptions StorageOptions() => new()
    {
        SchemaName = Schema,
        PrepareSchemaIfNecessary = true,
        QueuePollInterval = TimeSpan.FromMilliseconds(PollMilliseconds),
        EnableLongPolling = true,
        UseSlidingInvisibilityTimeout = true,
    };

    public static PostgreSqlStorage CreateStorage(string connectionString) =>
        new(new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(connectionString, StorageOptions()), StorageOptions());

    public async Task StartAsync(int workers, CompletionCounter counter)
    {
        await ResetAsync(_admin);
        HangfireNoop.Counter = counter;
        _storage = CreateStorage(SystemConnection.ForWorkers(_connectionString, workers));
        _client = new BackgroundJobClient(_storage);
        _server = new BackgroundJobServer(
            new BackgroundJobServerOptions { WorkerCount = workers, Queues = ["default"], ServerName = "bench" },
            _storage);
    }

    public Task EnqueueAsync(int count, bool batch, int batchSize)
    {
        var client = _client ?? throw new InvalidOperationException("Not started.");
        for (var i = 0; i < count; i++)
        {
            client.Enqueue(() => HangfireNoop.Run());
        }

        return Task.CompletedTask;
    }

    public Task WaitUntilStoredAsync(int count, CancellationToken cancellationToken) =>
        StorePolling.WaitUntilAsync(_admin, $"SELECT count(*) FROM {Schema}.job WHERE statename = 'Succeeded'", stored => stored >= count, cancellationToken);

    public Task StopAsync()
    {
        if (_server is not null)
        {
            _server.SendStop();
            _server.Dispose();
            _server = null;
        }

        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>Empties Hangfire's tables (keeping its schema version) so every run starts alike.</summary>
    public static async Task ResetAsync(NpgsqlDataSource admin)
    {
        await using var command = admin.CreateCommand($"""
            DO $$ DECLARE t text; BEGIN
                FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = '{Schema}' AND tablename NOT IN ('schema', 'lock') LOOP
                    EXECUTE format('TRUNCATE {Schema}.%I RESTART IDENTITY CASCADE', t);
                END LOOP;
            END $$
            """);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>Hangfire's no-op job: a static method, as Hangfire serializes the call expression.</summary>
public static class HangfireNoop
{
    internal static CompletionCounter? Counter { get; set; }

    /// <summary>Counts the run.</summary>
    public static void Run() => Counter?.Increment();
}
