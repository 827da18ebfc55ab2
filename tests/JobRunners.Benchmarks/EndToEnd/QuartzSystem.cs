using Npgsql;
using Quartz;

namespace JobRunners.Benchmarks.EndToEnd;

/// <summary>
/// Quartz.NET 4 with its ADO.NET job store (JobStoreTX) on the same PostgreSQL, tables created by Quartz's own
/// PostgreSQL schema script (<c>ProvisionSchema()</c>). Each job is a one-off trigger that fires now; the thread
/// pool has W threads and the batch size is Quartz's automatic one (the pool size on a persistent store).
/// </summary>
internal sealed class QuartzSystem : IEndToEndSystem
{
    private readonly string _connectionString;
    private readonly NpgsqlDataSource _admin;
    private StandaloneSchedulerFactory? _factory;
    private IScheduler? _scheduler;
    private int _sequence;

    public QuartzSystem(string connectionString, NpgsqlDataSource admin)
    {
        _connectionString = connectionString;
        _admin = admin;
    }

    public string Name => "quartz-ado-pg";

    public string? BatchApi => "IScheduler.ScheduleJobs";

    public async Task StartAsync(int workers, CompletionCounter counter)
    {
        await ResetAsync(_admin);
        QuartzNoopJob.Counter = counter;
        _factory = QuartzSchedulerBuilder.Create(q =>
        {
            q.UseDefaultThreadPool(workers);
            q.UsePersistentStore(store =>
            {
                store.UsePostgres(SystemConnection.ForWorkers(_connectionString, workers));
                store.ProvisionSchema();
            });
        }).Build();
        _scheduler = await _factory.GetScheduler();
        await _scheduler.Start();
    }

    public async Task EnqueueAsync(int count, bool batch, int batchSize)
    {
        var scheduler = _scheduler ?? throw new InvalidOperationException("Not started.");
        if (!batch)
        {
            for (var i = 0; i < count; i++)
            {
                var (job, trigger) = NewJob();
                await scheduler.ScheduleJob(job, trigger);
            }

            return;
        }

        for (var start = 0; start < count; start += batchSize)
        {
            var size = Math.Min(batchSize, count - start);
            var jobs = new Dictionary<IJobDetail, IReadOnlyCollection<ITrigger>>(size);
            for (var i = 0; i < size; i++)
            {
                var (job, trigger) = NewJob();
                jobs[job] = [trigger];
            }

            await scheduler.ScheduleJobs(jobs);
        }
    }

    // A fired one-off trigger is deleted when its job completes; nothing left means everything completed.
    public Task WaitUntilStoredAsync(int count, CancellationToken cancellationToken) =>
        StorePolling.WaitUntilAsync(
            _admin,
            "SELECT (SELECT count(*) FROM qrtz_triggers) + (SELECT count(*) FROM qrtz_fired_triggers)",
            left => left == 0,
            cancellationToken);

    public async Task StopAsync()
    {
        if (_scheduler is not null)
        {
            await _scheduler.Shutdown(waitForJobsToComplete: true);
            _scheduler = null;
        }

        if (_factory is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
        else if (_factory is IDisposable plain)
        {
            plain.Dispose();
        }

        _factory = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>Empties Quartz's tables (they exist once a scheduler provisioned them).</summary>
    public static async Task ResetAsync(NpgsqlDataSource admin)
    {
        await using var command = admin.CreateCommand("""
            DO $$ DECLARE t text; BEGIN
                FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'qrtz\_%' AND tablename <> 'qrtz_locks' LOOP
                    EXECUTE format('TRUNCATE public.%I CASCADE', t);
                END LOOP;
            END $$
            """);
        await command.ExecuteNonQueryAsync();
    }

    private (IJobDetail Job, ITrigger Trigger) NewJob()
    {
        var id = Interlocked.Increment(ref _sequence).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var job = JobBuilder.Create<QuartzNoopJob>().WithIdentity("job-" + id, "bench").Build();
        var trigger = TriggerBuilder.Create().WithIdentity("trigger-" + id, "bench").ForJob(job).StartNow().Build();
        return (job, trigger);
    }
}

/// <summary>Quartz's no-op job.</summary>
public sealed class QuartzNoopJob : IJob
{
    internal static CompletionCounter? Counter { get; set; }

    /// <inheritdoc />
    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        Counter?.Increment();
        return ValueTask.CompletedTask;
    }
}
