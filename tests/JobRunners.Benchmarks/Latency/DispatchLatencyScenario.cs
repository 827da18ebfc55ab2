using System.Diagnostics;
using JobRunners.Benchmarks.EndToEnd;
using JobRunners.Benchmarks.Harness;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using NpgsqlTypes;

namespace JobRunners.Benchmarks.Latency;

/// <summary>
/// Scenario 2: the latency of one <c>DispatchJobAsync</c> on PostgreSQL (no worker running, so only the dispatch is
/// measured) against a prepared single-row INSERT of the same columns into the same table, RETURNING the id.
/// Calls are sequential and interleaved call by call; each repetition gives a p50 and a p99 per system. Each runner
/// is also measured deduplicating (<see cref="DedupeNew"/>: a new unique key per call, so every call writes a row;
/// <see cref="DedupeHit"/>: one key held by an unfinished row, so every call returns it; <see cref="DedupePayload"/>: a
/// new payload identity per call), against the same runner's plain dispatch in the same run.
/// </summary>
internal sealed class DispatchLatencyScenario
{
    public const string Scenario = "dispatch-latency";
    public const string Bare = "bare-insert";

    /// <summary>The suffix of a runner's system name dispatching with a new unique key per call.</summary>
    public const string DedupeNew = "+dedupe-new";

    /// <summary>The suffix of a runner's system name dispatching with one unique key an unfinished row holds.</summary>
    public const string DedupeHit = "+dedupe-hit";

    /// <summary>The suffix of a runner's system name dispatching with the payload as identity, a new payload per call.</summary>
    public const string DedupePayload = "+dedupe-payload";

    private const string InsertSql = """
        INSERT INTO jobrunners.job_request (job_type, queue_name, payload, status, progress, attempts, max_attempts, priority,
            run_at, unique_key, locks_queue, assigned, runner, dispatched_at, created_at, updated_at)
        VALUES ($1, $1, $2::jsonb, 'queued', 0, 0, 3, 0, $3, NULL, false, false, $4, $3, $3, $3)
        RETURNING id
        """;

    private readonly BenchSettings _settings;
    private readonly PgServer _pg;
    private readonly ResultSet _results;

    public DispatchLatencyScenario(BenchSettings settings, PgServer pg, ResultSet results)
    {
        _settings = settings;
        _pg = pg;
        _results = results;
    }

    public async Task RunAsync()
    {
        var hosts = new List<(string Name, IHost Host, IJobRunner Runner)>();
        var counter = new CompletionCounter();
        await using var source = NpgsqlDataSource.Create(_pg.ConnectionString);
        await using var connection = await source.OpenConnectionAsync();
        try
        {
            foreach (var flavor in JobRunnersFlavor.All)
            {
                var host = JobRunnersHost.Build(_pg.ConnectionString, flavor, 2, counter, worker: false);
                await host.Services.GetRequiredService<IJobStore>().MigrateAsync();
                hosts.Add((flavor.System, host, host.Services.GetRequiredService<IJobRunner>()));
            }

            await JobRunnersHost.ResetAsync(_pg.Admin);
            await using var insert = new NpgsqlCommand(InsertSql, connection);
            insert.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = JobRunnersHost.JobType });
            insert.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = """{"n":1}""" });
            var now = new NpgsqlParameter<DateTime> { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = DateTime.UtcNow };
            insert.Parameters.Add(now);
            insert.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = "bare" });
            await insert.PrepareAsync();

            var payload = new NoopPayload(1);
            var sequence = 1;
            var held = new DispatchOptions { UniqueKey = "bench-held" };
            var byPayload = new DispatchOptions { UniqueByPayload = true };
            var systems = hosts
                .Select(h => (Name: h.Name, Call: (Func<Task>)(async () => await h.Runner.DispatchJobAsync(JobRunnersHost.JobType, payload))))
                .Concat(hosts.Select(h => (Name: h.Name + DedupeNew, Call: (Func<Task>)(async () =>
                    await h.Runner.DispatchJobAsync(JobRunnersHost.JobType, payload, new DispatchOptions { UniqueKey = $"bench-{sequence++}" })))))
                .Concat(hosts.Select(h => (Name: h.Name + DedupeHit, Call: (Func<Task>)(async () => await h.Runner.DispatchJobAsync(JobRunnersHost.JobType, payload, held)))))
                .Concat(hosts.Select(h => (Name: h.Name + DedupePayload, Call: (Func<Task>)(async () =>
                    await h.Runner.DispatchJobAsync(JobRunnersHost.JobType, new NoopPayload(sequence++), byPayload)))))
                .Append((Bare, async () =>
                {
                    now.TypedValue = DateTime.UtcNow;
                    await insert.ExecuteScalarAsync();
                }))
                .ToList();

            foreach (var (_, call) in systems)
            {
                await MeasureAsync(call, Math.Max(50, _settings.LatencyCalls / 10));
            }

            // Interleaved call by call, so drift hits every system alike.
            for (var rep = 1; rep <= _settings.Repetitions; rep++)
            {
                var micros = systems.Select(_ => new List<double>(_settings.LatencyCalls)).ToArray();
                for (var i = 0; i < _settings.LatencyCalls; i++)
                {
                    for (var k = 0; k < systems.Count; k++)
                    {
                        var start = Stopwatch.GetTimestamp();
                        await systems[k].Call();
                        micros[k].Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                    }
                }

                for (var k = 0; k < systems.Count; k++)
                {
                    var name = systems[k].Name;
                    _results.Add(Scenario, name, "p50_us", Stats.Quantile(micros[k], 0.5));
                    _results.Add(Scenario, name, "p99_us", Stats.Quantile(micros[k], 0.99));
                    Console.WriteLine($"  rep {rep} {name,-26} p50 {Stats.Quantile(micros[k], 0.5),8:N0} us  p99 {Stats.Quantile(micros[k], 0.99),8:N0} us");
                }
            }
        }
        finally
        {
            foreach (var (_, host, _) in hosts)
            {
                host.Dispose();
            }
        }

        _results.PrintBenchLines(Scenario);
    }

    private static async Task<List<double>> MeasureAsync(Func<Task> call, int count)
    {
        var micros = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await call();
            micros.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }

        return micros;
    }
}
