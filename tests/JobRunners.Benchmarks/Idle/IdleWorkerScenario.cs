using JobRunners.Benchmarks.Harness;
#if BENCH_POSTGRES_RUNNER
using System.Diagnostics;
using JobRunners.Benchmarks.EndToEnd;
using JobRunners.Runners.PostgreSql;
using JobRunners.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
#endif

namespace JobRunners.Benchmarks.Idle;

/// <summary>
/// Scenario 6: what an idle worker process sends to PostgreSQL. One JobRunners host on the postgres runner, built as a
/// production worker process (worker enabled, LISTEN on, poll, maintenance and scheduler intervals at their defaults,
/// one registered job type and one task) over an empty queue with no schedules. It connects as a role of its own
/// (<see cref="Role"/>), so pg_stat_statements attributes to it exactly the statements it sends, utility statements
/// (LISTEN, BEGIN, DISCARD ALL, ...) included, and nothing of the harness's. Once it has started (its LISTEN is seen)
/// and settled, the calls of every statement are read before and after a window (full run 120 s, quick 30 s).
/// One window per run: the timers involved run every 15 to 60 s, so repetitions would cost minutes each.
/// </summary>
internal sealed class IdleWorkerScenario
{
    public const string Scenario = "idle.pg";
    public const string Role = "bench_idle_worker";

    private readonly BenchSettings _settings;
    private readonly PgServer _pg;
    private readonly ResultSet _results;

    public IdleWorkerScenario(BenchSettings settings, PgServer pg, ResultSet results)
    {
        _settings = settings;
        _pg = pg;
        _results = results;
    }

    /// <summary>The key of the statement list in <see cref="ResultSet.StatementCounts"/>.</summary>
    public static string StatementsKey(string system) => $"{Scenario} {system}";

#if BENCH_POSTGRES_RUNNER
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    public async Task RunAsync()
    {
        var flavor = JobRunnersFlavor.Postgres;
        await PrepareStoreAsync(flavor);
        await _pg.EnsureRoleAsync(Role);
        var connectionString = new NpgsqlConnectionStringBuilder(_pg.ConnectionString) { Username = Role, ApplicationName = "jobrunners-idle-worker" }.ConnectionString;
        var counter = new CompletionCounter();
        var beforeStart = await _pg.SnapshotStatementsAsync();
        using var host = JobRunnersHost.BuildWorkerProcess(connectionString, flavor, counter);
        await host.StartAsync();
        try
        {
            NoteSettings(host);
            if (!await WaitForListenAsync(beforeStart))
            {
                _results.Note($"S6: no LISTEN from the worker within {StartTimeout.TotalSeconds:N0} s of its start; the window was measured anyway.");
            }

            await Task.Delay(Settle);
            var before = await _pg.SnapshotStatementsAsync();
            var clock = Stopwatch.StartNew();
            await Task.Delay(_settings.IdleWindow);
            var after = await _pg.SnapshotStatementsAsync();
            var window = clock.Elapsed;

            var startup = before.Since(beforeStart).Where(s => s.Role == Role).Sum(s => s.Calls);
            var seen = after.Since(before);
            var mine = seen.Where(s => s.Role == Role).ToList();
            var total = mine.Sum(s => s.Calls);
            var others = seen.Where(s => s.Role != Role).Sum(s => s.Calls);

            _results.Add(Scenario, flavor.System, "statements_per_s", total / window.TotalSeconds);
            _results.Add(Scenario, flavor.System, "statements", total);
            _results.Add(Scenario, flavor.System, "window_s", window.TotalSeconds);
            _results.Add(Scenario, flavor.System, "startup_statements", startup);
            _results.StatementCounts[StatementsKey(flavor.System)] = mine;

            Console.WriteLine($"  {Scenario} {flavor.System}: {total} statements in {window.TotalSeconds:N1} s = {total / window.TotalSeconds:0.000}/s ({startup} while starting and settling)");
            foreach (var statement in mine)
            {
                Console.WriteLine($"    {statement.Calls,5}  {OneLine(statement.Query, 120)}");
            }

            _results.Note($"S6: one window of {window.TotalSeconds:N0} s per run, not repeated (its timers run every 15 to 60 s, so each repetition would cost as long again); the window starts {Settle.TotalSeconds:N0} s after the worker's LISTEN was seen. " +
                $"Pruning runs in the first maintenance round and then every 10 minutes, so it falls in the startup count, not in a window of {window.TotalSeconds:N0} s." +
                (window < TimeSpan.FromSeconds(119) ? " A window this short sees each 30 s timer once or twice and the 60 s listener keepalive at most once: a coarse figure." : ""));
            if (others > 0)
            {
                _results.Note($"S6: other roles (not the harness) sent {others} statements during the window; they are not counted.");
            }

            if (counter.Count > 0)
            {
                _results.Note($"S6: the worker ran {counter.Count} job(s) during the run although the queue was emptied first: it was not idle.");
            }
        }
        finally
        {
            await host.StopAsync();
            NpgsqlConnection.ClearAllPools();
        }

        _results.PrintBenchLines(Scenario);
    }

    /// <summary>The schema exists (migrated by the systems' role, as a deployment would) and holds no job, schedule or lease.</summary>
    private async Task PrepareStoreAsync(JobRunnersFlavor flavor)
    {
        using (var migrator = JobRunnersHost.Build(_pg.ConnectionString, flavor, 1, new CompletionCounter(), worker: false))
        {
            await migrator.Services.GetRequiredService<IJobStore>().MigrateAsync();
        }

        NpgsqlConnection.ClearAllPools();
        await _pg.ExecuteAsync($"""
            DO $$ DECLARE t text; BEGIN
                FOREACH t IN ARRAY ARRAY['job_request', 'job_schedule', 'scheduler_lease'] LOOP
                    IF to_regclass('{JobRunnersHost.Schema}.' || t) IS NOT NULL THEN
                        EXECUTE format('TRUNCATE {JobRunnersHost.Schema}.%I RESTART IDENTITY', t);
                    END IF;
                END LOOP;
            END $$
            """);
    }

    private void NoteSettings(IHost host)
    {
        var shared = host.Services.GetRequiredService<IOptions<JobRunnersOptions>>().Value;
        var postgres = host.Services.GetRequiredService<IOptions<PostgreSqlRunnerOptions>>().Value;
        var scheduler = host.Services.GetRequiredService<IOptions<RecurringSchedulerOptions>>().Value;
        _results.Note($"S6: the idle worker's settings (all defaults): Listen {postgres.Listen}, ListenPollInterval {postgres.ListenPollInterval}, PollInterval {postgres.PollInterval} (without LISTEN), " +
            $"MaintenanceInterval {shared.MaintenanceInterval}, Scheduler:Enabled {scheduler.Enabled}, Scheduler:IdleCheckInterval {scheduler.IdleCheckInterval}, Concurrency {postgres.Concurrency}, BatchSize {postgres.BatchSize}.");
    }

    private async Task<bool> WaitForListenAsync(StatementSnapshot since)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            var sent = (await _pg.SnapshotStatementsAsync()).Since(since);
            if (sent.Any(s => s.Role == Role && s.Query.StartsWith("LISTEN", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }

            await Task.Delay(200);
        }

        return false;
    }
#else
    public Task RunAsync()
    {
        _results.Note("S6: runners/JobRunners.Runners.PostgreSql is missing or does not build: the idle worker figures are absent.");
        return Task.CompletedTask;
    }
#endif

    /// <summary>
    /// A statement on one line, cut to <paramref name="length"/> characters; a long SELECT list is shortened to
    /// "SELECT ... FROM" so that what is read (say <c>claim_jobs(...)</c>) stays visible.
    /// </summary>
    public static string OneLine(string query, int length)
    {
        var text = string.Join(' ', query.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        var from = text.IndexOf(" FROM ", StringComparison.OrdinalIgnoreCase);
        if (text.StartsWith("SELECT ", StringComparison.OrdinalIgnoreCase) && from > 60)
        {
            text = "SELECT ..." + text[from..];
        }

        return text.Length > length ? text[..length] + " ..." : text;
    }
}
