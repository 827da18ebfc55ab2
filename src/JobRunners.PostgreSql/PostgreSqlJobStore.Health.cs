using Npgsql;
using static JobRunners.PostgreSql.PostgreSqlJobReader;

namespace JobRunners.PostgreSql;

/// <content>What gauges and health checks read: queue statistics and the schema version.</content>
public sealed partial class PostgreSqlJobStore
{
    /// <inheritdoc />
    public ValueTask<IReadOnlyList<QueueStats>> GetQueueStatsAsync(CancellationToken cancellationToken = default)
    {
        var now = _timeProvider.GetUtcNow().UtcDateTime;
        return WithConnectionAsync(async (connection, token) =>
        {
            var command = new NpgsqlCommand(_sql.QueueStats, connection) { Parameters = { Parameter(now) } };
            await using (command.ConfigureAwait(false))
            {
                var stats = new List<QueueStats>();
                var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(token).ConfigureAwait(false))
                    {
                        stats.Add(new QueueStats
                        {
                            QueueName = reader.GetString(0),
                            Queued = reader.GetInt64(1),
                            Due = reader.GetInt64(2),
                            OldestDueAt = Utc(reader, 3),
                            Undispatched = reader.GetInt64(4),
                            OldestUndispatchedSince = Utc(reader, 5),
                        });
                    }
                }

                return (IReadOnlyList<QueueStats>)stats;
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>A schema or migration table that does not exist yet reads as version 0; nothing is created.</remarks>
    public ValueTask<StoreSchemaStatus> GetSchemaStatusAsync(CancellationToken cancellationToken = default) =>
        WithConnectionAsync(async (connection, token) =>
        {
            // to_regclass is null for a missing schema or table, where a query of the table would fail.
            var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection)
            {
                Parameters = { Parameter($"{QuotedSchema}.schema_migrations") },
            };
            await using (exists.ConfigureAwait(false))
            {
                if (await exists.ExecuteScalarAsync(token).ConfigureAwait(false) is not true)
                {
                    return new StoreSchemaStatus(0, PostgreSqlMigrations.Latest);
                }
            }

            var found = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {QuotedSchema}.schema_migrations", connection);
            await using (found.ConfigureAwait(false))
            {
                var version = (int)(await found.ExecuteScalarAsync(token).ConfigureAwait(false))!;
                return new StoreSchemaStatus(version, PostgreSqlMigrations.Latest);
            }
        }, cancellationToken);
}
