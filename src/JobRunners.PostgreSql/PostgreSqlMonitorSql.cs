namespace JobRunners.PostgreSql;

/// <summary>
/// The statements behind the operator's reads and actions. Each action names the status it expects in its WHERE,
/// so of two racing callers exactly one changes the row. Indexes (migration 7): (status, id) for a status filter's
/// pages, (job_type, status, id) for a type filter's pages and the counts (an index-only scan), created_at for a
/// time filter.
/// </summary>
internal sealed class PostgreSqlMonitorSql
{
    public PostgreSqlMonitorSql(string table)
    {
        const string columns = PostgreSqlJobRow.Columns;

        // A retried row with a unique key must not become a second holder of its identity: the NOT EXISTS keeps the
        // common case a no-op, and the unique index turns a race into a refusal (caught by the store).
        const string fresh = """
            status = 'queued', attempts = 0, retries = retries + 1, run_at = @Now, dispatched_at = NULL,
            assigned = false, locked_by = NULL, locked_until = NULL, finished_at = NULL, progress = 0, updated_at = @Now
            """;
        var noOtherHolder = $"""
            (j.unique_key IS NULL OR NOT EXISTS (
                SELECT 1 FROM {table} AS o
                WHERE o.job_type = j.job_type AND o.unique_key = j.unique_key
                  AND {PostgreSqlSql.IdentityQueue("o")} = {PostgreSqlSql.IdentityQueue("j")}
                  AND o.id <> j.id AND (o.status IN ('queued', 'running') OR o.unique_held)))
            """;
        Retry = $"""
            UPDATE {table} AS j SET {fresh}
            WHERE j.id = @Id AND j.status IN ('failed', 'cancelled') AND {noOtherHolder}
            RETURNING {columns}
            """;

        // A round takes only rows it can retry (no other row holds their identity), and of the round's rows sharing
        // an identity only the newest, so the rows it leaves never block the next round.
        RetryMany = $"""
            WITH picked AS MATERIALIZED (
                SELECT j.id, j.job_type, j.unique_key, {PostgreSqlSql.IdentityQueue("j")} AS identity_queue FROM {table} AS j
                WHERE j.status = @Status AND (@JobType::text IS NULL OR j.job_type = @JobType::text) AND {noOtherHolder}
                ORDER BY j.id LIMIT @Limit FOR UPDATE SKIP LOCKED),
            newest AS (
                SELECT id FROM picked WHERE unique_key IS NULL
                UNION ALL
                SELECT max(id) FROM picked WHERE unique_key IS NOT NULL GROUP BY job_type, unique_key, identity_queue)
            UPDATE {table} AS j SET {fresh}
            FROM newest
            WHERE j.id = newest.id AND j.status = @Status AND {noOtherHolder}
            RETURNING {columns.Replace("id AS Id", "j.id AS Id", StringComparison.Ordinal)}
            """;

        // A row that waits for its delay or its retry's backoff; undispatched, so the runner is handed it again now
        // (a backend holding a delayed message would otherwise deliver it late; that message then finds the row taken).
        RunNow = $"""
            UPDATE {table} SET run_at = @Now, dispatched_at = NULL, updated_at = @Now
            WHERE id = @Id AND status = 'queued' AND run_at > @Now
            RETURNING {columns}
            """;
        Delete = $"DELETE FROM {table} WHERE id = @Id AND status IN ('succeeded', 'failed', 'cancelled')";
        Purge = $"""
            DELETE FROM {table}
            WHERE status = @Status AND finished_at < @FinishedBefore AND (@JobType::text IS NULL OR job_type = @JobType::text)
              AND {PostgreSqlSql.KeepsIdentity}
            """;
        Counts = $"SELECT job_type AS JobType, status AS Status, count(*) AS Count FROM {table} GROUP BY job_type, status ORDER BY job_type, status";
        Throughput = $"""
            SELECT date_trunc('minute', finished_at) AS Minute,
                count(*) FILTER (WHERE status = 'succeeded') AS Succeeded,
                count(*) FILTER (WHERE status = 'failed') AS Failed
            FROM {table}
            WHERE finished_at >= @Since AND status IN ('succeeded', 'failed')
            GROUP BY 1 ORDER BY 1
            """;
        Workers = $"""
            SELECT locked_by AS WorkerId, max(updated_at) AS LastSeenAt, count(*) FILTER (WHERE status = 'running') AS Running
            FROM {table}
            WHERE locked_by IS NOT NULL AND (status = 'running' OR finished_at >= @Since)
            GROUP BY locked_by ORDER BY 2 DESC LIMIT 100
            """;
    }

    public string Retry { get; }
    public string RetryMany { get; }
    public string RunNow { get; }
    public string Delete { get; }
    public string Purge { get; }
    public string Counts { get; }
    public string Throughput { get; }
    public string Workers { get; }
}
