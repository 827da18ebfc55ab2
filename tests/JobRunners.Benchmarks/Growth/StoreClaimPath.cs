using System.Diagnostics;
using JobRunners.PostgreSql;
using Npgsql;

namespace JobRunners.Benchmarks.Growth;

/// <summary>
/// The store's claim of one known row, as runners that carry job ids use it (in-process, queues, Lambda): a queued
/// id is handed over and <see cref="IJobStore.ClaimAsync"/> claims that row in one statement.
/// </summary>
internal sealed class StoreClaimPath : IClaimPath
{
    private readonly NpgsqlDataSource _admin;
    private readonly PostgreSqlJobStore _store;
    private readonly string _runner;
    private long _next;

    public StoreClaimPath(string connectionString, NpgsqlDataSource admin, string runner)
    {
        _admin = admin;
        _runner = runner;
        _store = new PostgreSqlJobStore(new PostgreSqlStoreOptions { ConnectionString = connectionString, Schema = "jobrunners" }, TimeProvider.System);
    }

    public string Name => "jobrunners-store-claim";

    public async Task FillAsync(int rows)
    {
        await _store.MigrateAsync();
        await JobRequestFill.EnsureAsync(_admin, rows, _runner);
        _next = rows + 1L;
    }

    public async Task<TimeSpan> ClaimOneAsync()
    {
        var id = --_next;
        var start = Stopwatch.GetTimestamp();
        var claimed = await _store.ClaimAsync(new JobClaimRequest { WorkerId = "growth", Lease = TimeSpan.FromSeconds(30), Ids = [id] });
        var elapsed = Stopwatch.GetElapsedTime(start);
        if (claimed.Count != 1)
        {
            throw new InvalidOperationException($"Row {id} was not claimed.");
        }

        await _store.CompleteAsync([new JobCompletion(id, "growth", JobOutcome.Succeeded)]);
        return elapsed;
    }

    public ValueTask DisposeAsync() => _store.DisposeAsync();
}
