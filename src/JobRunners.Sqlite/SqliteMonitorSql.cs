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

    // A retried row with a unique key must not become a second unfinished job of that key.
    private const string NoUnfinishedTwin = """
        (unique_key IS NULL OR NOT EXISTS (
            SELECT 1 FROM job_request AS o
            WHERE o.job_type = job_request.job_type AND o.unique_key = job_request.unique_key AND o.status IN ('queued', 'running')))
        """;

    public const string Retry = $"""
        UPDATE job_request SET {Fresh}
        WHERE id = @Id AND status IN ('failed', 'cancelled') AND {NoUnfinishedTwin}
        RETURNING {Columns}
        """;

    public const string RetryMany = $"""
        UPDATE job_request SET {Fresh}
        WHERE id IN (
            SELECT id FROM job_request WHERE status = @Status AND (@JobType IS NULL OR job_type = @JobType) ORDER BY id LIMIT @Limit)
          AND status = @Status AND {NoUnfinishedTwin}
        RETURNING {Columns}
        """;

    // Undispatched, so the runner is handed the row again now (a backend holding a delayed message would deliver it late).
    public const string RunNow = $"""
        UPDATE job_request SET run_at = @Now, dispatched_at = NULL, updated_at = @Now
        WHERE id = @Id AND status = 'queued' AND run_at > @Now
        RETURNING {Columns}
        """;

    public const string Delete = "DELETE FROM job_request WHERE id = @Id AND status IN ('succeeded', 'failed', 'cancelled')";

    public const string Purge = "DELETE FROM job_request WHERE status = @Status AND finished_at < @FinishedBefore AND (@JobType IS NULL OR job_type = @JobType)";

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
