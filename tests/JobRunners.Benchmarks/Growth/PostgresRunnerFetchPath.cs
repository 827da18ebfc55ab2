using System.Diagnostics;
using JobRunners.PostgreSql;
using Npgsql;

namespace JobRunners.Benchmarks.Growth;

/// <summary>
/// The PostgreSQL runner's fetch as its worker makes it: one <see cref="IJobStore.ClaimAsync"/> by filter (job
/// types, runner; the highest-priority due row first) that returns the row claimed.
/// </summary>
internal sealed class PostgresRunnerFetchPath : IClaimPath
{
    private readonly NpgsqlDataSource _admin;
    private readonly PostgreSqlJobStore _store;

    public PostgresRunnerFetchPath(string connectionString, NpgsqlDataSource admin)
    {
        _admin = admin;
        _store = new PostgreSqlJobStore(new PostgreSqlStoreOptions { ConnectionString = connectionString, Schema = "jobrunners" }, TimeProvider.System);
    }

    public string Name => "jobrunners-postgres-fetch";

    public async Task FillAsync(int rows)
    {
        await _store.MigrateAsync();
        await JobRequestFill.EnsureAsync(_admin, rows, "postgres");
    }

    public async Task<TimeSpan> ClaimOneAsync()
    {
        var start = Stopwatch.GetTimestamp();
        var claimed = await _store.ClaimAsync(new JobClaimRequest { WorkerId = "growth", Lease = TimeSpan.FromSeconds(30), JobTypes = ["noop"], Runner = "postgres" });
        var elapsed = Stopwatch.GetElapsedTime(start);
        if (claimed.Count != 1)
        {
            throw new InvalidOperationException("No row was claimed.");
        }

        await _store.CompleteAsync([new JobCompletion(claimed[0].Id, "growth", JobOutcome.Succeeded)]);
        return elapsed;
    }

    public ValueTask DisposeAsync() => _store.DisposeAsync();
}
