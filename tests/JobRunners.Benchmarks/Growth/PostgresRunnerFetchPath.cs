#if BENCH_POSTGRES_RUNNER
using System.Diagnostics;
using System.Reflection;
using JobRunners.PostgreSql;
using JobRunners.Storage;
using Npgsql;

namespace JobRunners.Benchmarks.Growth;

/// <summary>
/// The PostgreSQL runner's fetch as its worker makes it: the store's batch reservation (<c>FOR UPDATE SKIP LOCKED</c>)
/// for one row, then the executor's atomic claim of that row. The reservation is internal to the store (shared with
/// the runner only), so the benchmark reaches it by reflection rather than copying its SQL.
/// </summary>
internal sealed class PostgresRunnerFetchPath : IClaimPath
{
    private readonly NpgsqlDataSource _admin;
    private readonly PostgreSqlJobStore _store;
    private readonly MethodInfo _reserve;
    private readonly object _reservation;

    public PostgresRunnerFetchPath(string connectionString, NpgsqlDataSource admin)
    {
        _admin = admin;
        _store = new PostgreSqlJobStore(new PostgreSqlStoreOptions { ConnectionString = connectionString, Schema = "jobrunners" }, TimeProvider.System);
        var assembly = typeof(PostgreSqlJobStore).Assembly;
        var reservationType = assembly.GetType("JobRunners.PostgreSql.QueueReservation", throwOnError: true)!;
        _reserve = typeof(PostgreSqlJobStore).GetMethod("ReserveAsync", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new MissingMethodException(nameof(PostgreSqlJobStore), "ReserveAsync");
        _reservation = Activator.CreateInstance(
            reservationType,
            "growth",
            "postgres",
            (IReadOnlyList<string>)["noop"],
            null,
            1,
            TimeSpan.FromSeconds(10))!;
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
        var pending = _reserve.Invoke(_store, [_reservation, CancellationToken.None])!;
        var task = (Task)pending.GetType().GetMethod("AsTask")!.Invoke(pending, null)!;
        await task;
        var reserved = (System.Collections.IList)task.GetType().GetProperty("Result")!.GetValue(task)!;
        var id = (long)reserved[0]!.GetType().GetProperty("Id")!.GetValue(reserved[0])!;
        var claim = await _store.TryClaimAsync(id, new JobClaim("growth", TimeSpan.FromSeconds(30)));
        var elapsed = Stopwatch.GetElapsedTime(start);
        if (claim.Status != ClaimStatus.Claimed)
        {
            throw new InvalidOperationException($"Row {id} was not claimed: {claim.Status}.");
        }

        await _store.FinishAttemptAsync(id, "growth", new AttemptResult { Outcome = AttemptOutcome.Succeeded });
        return elapsed;
    }

    /// <summary>
    /// EXPLAIN ANALYZE of the runner's reservation statement (its own SQL text, read from the store's internal
    /// statement class) with PostgreSQL's default JIT settings and with <c>jit = off</c>, rolled back: shows where a
    /// slow fetch spends its time.
    /// </summary>
    public async Task<ReserveExplain> ExplainAsync()
    {
        var sqlType = typeof(PostgreSqlJobStore).Assembly.GetType("JobRunners.PostgreSql.PostgreSqlQueueSql", throwOnError: true)!;
        var sql = (string)sqlType.GetProperty("Reserve")!.GetValue(Activator.CreateInstance(sqlType, "\"jobrunners\""))!;
        var now = DateTimeOffset.UtcNow;
        var withJit = await ExplainOnceAsync(sql, now, jit: true);
        var withoutJit = await ExplainOnceAsync(sql, now, jit: false);
        return new ReserveExplain(withJit.Execution, withJit.Jit, withJit.Cost, withoutJit.Execution);
    }

    private async Task<(double Execution, double Jit, double Cost)> ExplainOnceAsync(string sql, DateTimeOffset now, bool jit)
    {
        await using var connection = await _admin.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var set = new NpgsqlCommand(jit ? "SET LOCAL jit = on" : "SET LOCAL jit = off", connection, transaction))
        {
            await set.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, connection, transaction);
        command.Parameters.AddWithValue("Now", now);
        command.Parameters.AddWithValue("ReservedUntil", now.AddSeconds(10));
        command.Parameters.AddWithValue("WorkerId", "explain");
        command.Parameters.AddWithValue("Runner", "postgres");
        command.Parameters.AddWithValue("JobTypes", new[] { "noop" });
        command.Parameters.AddWithValue("AnyQueue", true);
        command.Parameters.AddWithValue("Queues", Array.Empty<string>());
        command.Parameters.AddWithValue("Limit", 1);
        var json = (string)(await command.ExecuteScalarAsync())!;
        await transaction.RollbackAsync();
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var root = document.RootElement[0];
        var execution = root.GetProperty("Execution Time").GetDouble();
        var jitTotal = root.TryGetProperty("JIT", out var jitNode) ? jitNode.GetProperty("Timing").GetProperty("Total").GetDouble() : 0;
        var cost = root.GetProperty("Plan").GetProperty("Total Cost").GetDouble();
        return (execution, jitTotal, cost);
    }

    public ValueTask DisposeAsync() => _store.DisposeAsync();
}

/// <summary>The reservation statement under EXPLAIN ANALYZE: milliseconds with and without JIT, JIT's share, the planner's cost.</summary>
internal sealed record ReserveExplain(double ExecutionMs, double JitMs, double PlannerCost, double ExecutionMsJitOff);
#endif
