using System.Diagnostics;
using JobRunners.PostgreSql;
using JobRunners.Storage;
using Npgsql;

namespace JobRunners.Benchmarks.Growth;

/// <summary>
/// The store's claim path as the in-process runner uses it: the channel hands over a queued id and
/// <see cref="IJobStore.TryClaimAsync"/> claims that row (advisory queue lock + guarded UPDATE in one transaction).
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
        var claim = await _store.TryClaimAsync(id, new JobClaim("growth", TimeSpan.FromSeconds(30)));
        var elapsed = Stopwatch.GetElapsedTime(start);
        if (claim.Status != ClaimStatus.Claimed)
        {
            throw new InvalidOperationException($"Row {id} was not claimed: {claim.Status}.");
        }

        await _store.FinishAttemptAsync(id, "growth", new AttemptResult { Outcome = AttemptOutcome.Succeeded });
        return elapsed;
    }

    public ValueTask DisposeAsync() => _store.DisposeAsync();
}
