namespace JobRunners.Sqlite;

/// <summary>
/// The statements behind the operator's reads and actions. Each action names the status it expects in its WHERE,
/// so of two racing callers exactly one changes the row. Indexes (migration 7): (status, id), (job_type, status,
/// id) and created_at, as in PostgreSQL.
/// </summary>
internal static class SqliteMonitorSql
{
    private const string Columns = SqliteJobRow.Columns;

    private const string Fresh = """
        status = 'queued', attempts = 0, retries = retries + 1, run_at = @Now, dispatched_at = NULL,
        assigned = 0, locked_by = NULL, locked_until = NULL, finished_at = NULL, progress = 0, updated_at = @Now
        """;

    // A retried row with a unique key must not become a second holder of its identity.
    private const string NoOtherHolder = """
        (unique_key IS NULL OR NOT EXISTS (
            SELECT 1 FROM job_request AS o
            WHERE o.job_type = job_request.job_type AND o.unique_key = job_request.unique_key
              AND (CASE WHEN o.unique_per_queue THEN o.queue_name ELSE '' END)
                = (CASE WHEN job_request.unique_per_queue THEN job_request.queue_name ELSE '' END)
              AND o.id <> job_request.id AND (o.status IN ('queued', 'running') OR o.unique_held)))
        """;

    public const string Retry = $"""
        UPDATE job_request SET {Fresh}
        WHERE id = @Id AND status IN ('failed', 'cancelled') AND {NoOtherHolder}
        RETURNING {Columns}
        """;

    // A round takes only rows it can retry (no other row holds their identity), and of the round's rows sharing an
    // identity only the newest, so the rows it leaves never block the next round.
    public const string RetryMany = $"""
        UPDATE job_request SET {Fresh}
        WHERE id IN (
            SELECT max(id) FROM (
                SELECT id, job_type, unique_key, (CASE WHEN unique_per_queue THEN queue_name ELSE '' END) AS identity_queue
                FROM job_request
                WHERE status = @Status AND (@JobType IS NULL OR job_type = @JobType) AND {NoOtherHolder}
                ORDER BY id LIMIT @Limit)
            GROUP BY CASE WHEN unique_key IS NULL THEN id END, job_type, unique_key, identity_queue)
          AND status = @Status AND {NoOtherHolder}
        RETURNING {Columns}
        """;

    // Undispatched, so the runner is handed the row again now (a backend holding a delayed message would deliver it late).
    public const string RunNow = $"""
        UPDATE job_request SET run_at = @Now, dispatched_at = NULL, updated_at = @Now
        WHERE id = @Id AND status = 'queued' AND run_at > @Now
        RETURNING {Columns}
        """;

    public const string Delete = "DELETE FROM job_request WHERE id = @Id AND status IN ('succeeded', 'failed', 'cancelled')";

    public const string Purge = $"""
        DELETE FROM job_request
        WHERE status = @Status AND finished_at < @FinishedBefore AND (@JobType IS NULL OR job_type = @JobType)
          AND {SqliteSql.KeepsIdentity}
        """;

    public const string Counts = "SELECT job_type AS JobType, status AS Status, count(*) AS Count FROM job_request GROUP BY job_type, status ORDER BY job_type, status";

    public const string Throughput = """
        SELECT (finished_at / 60000) * 60000 AS Minute,
            sum(status = 'succeeded') AS Succeeded,
            sum(status = 'failed') AS Failed
        FROM job_request
        WHERE finished_at >= @Since AND status IN ('succeeded', 'failed')
        GROUP BY 1 ORDER BY 1
        """;

    public const string Workers = """
        SELECT locked_by AS WorkerId, max(updated_at) AS LastSeenAt, sum(status = 'running') AS Running
        FROM job_request
        WHERE locked_by IS NOT NULL AND (status = 'running' OR finished_at >= @Since)
        GROUP BY locked_by ORDER BY 2 DESC LIMIT 100
        """;
}
