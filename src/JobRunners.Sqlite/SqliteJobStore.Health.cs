using Dapper;

namespace JobRunners.Sqlite;

/// <content>What gauges and health checks read: queue statistics and the schema version.</content>
public sealed partial class SqliteJobStore
{
    /// <inheritdoc />
    public ValueTask<IReadOnlyList<QueueStats>> GetQueueStatsAsync(CancellationToken cancellationToken = default)
    {
        var now = NowMilliseconds();
        return WithConnectionAsync(async (connection, token) =>
        {
            var rows = await connection.QueryAsync<(string QueueName, long Queued, long Due, long? OldestDueAt, long Undispatched, long? OldestUndispatchedSince)>(
                Command(SqliteSql.QueueStats, new { Now = now }, null, token)).ConfigureAwait(false);
            return (IReadOnlyList<QueueStats>)rows.Select(row => new QueueStats
            {
                QueueName = row.QueueName,
                Queued = row.Queued,
                Due = row.Due,
                OldestDueAt = UnixTime.FromMilliseconds(row.OldestDueAt),
                Undispatched = row.Undispatched,
                OldestUndispatchedSince = UnixTime.FromMilliseconds(row.OldestUndispatchedSince),
            }).ToList();
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// A file that does not exist yet, or holds no migration table, reads as version 0; the file is not created
    /// (<see cref="MigrateAsync"/> creates it).
    /// </remarks>
    public ValueTask<StoreSchemaStatus> GetSchemaStatusAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(DatabasePath))
        {
            return ValueTask.FromResult(new StoreSchemaStatus(0, SqliteMigrations.Latest));
        }

        return WithConnectionAsync(async (connection, token) =>
        {
            var found = await connection.ExecuteScalarAsync<bool>(Command(SqliteSql.HasMigrationsTable, null, null, token)).ConfigureAwait(false)
                ? await connection.ExecuteScalarAsync<int>(Command(SqliteSql.SchemaVersion, null, null, token)).ConfigureAwait(false)
                : 0;
            return new StoreSchemaStatus(found, SqliteMigrations.Latest);
        }, cancellationToken);
    }
}
