using System.Text;

namespace JobRunners.Sqlite;

/// <summary>The claim statement, built for the filters a <see cref="JobClaimRequest"/> uses.</summary>
internal static class SqliteClaimSql
{
    // Absent filters are left out rather than bound as NULL: with "@Ids IS NULL OR ..." the planner could no longer
    // look the named rows up by id and would scan every queued row instead.
    public static string Build(JobClaimRequest request)
    {
        var filters = new StringBuilder();
        if (!request.IgnoreRunAt)
        {
            filters.Append(" AND candidate.run_at <= @Now");
        }

        if (request.Ids is not null)
        {
            filters.Append(" AND candidate.id IN (SELECT value FROM json_each(@Ids))");
        }

        if (request.JobTypes is not null)
        {
            filters.Append(" AND candidate.job_type IN (SELECT value FROM json_each(@JobTypes))");
        }

        if (request.Queues is not null)
        {
            filters.Append(" AND candidate.queue_name IN (SELECT value FROM json_each(@Queues))");
        }

        if (request.Runner is not null)
        {
            filters.Append(" AND candidate.runner = @Runner");
        }

        // A locking job runs alone in its queue. Against running rows: nothing starts in a queue whose locking job
        // runs, and a locking job starts only in an idle queue. Within the batch (after LIMIT, so the batch stays
        // the first rows in claim order): a queue whose first candidate locks gives only that row, any other queue
        // gives its non-locking candidates.
        return $"""
            UPDATE job_request
            SET status = 'running', assigned = 1, locked_by = @WorkerId, locked_until = @LockedUntil,
                attempts = attempts + 1, started_at = @Now, updated_at = @Now
            WHERE id IN (
                SELECT id FROM (
                    SELECT id, locks_queue,
                        first_value(locks_queue) OVER queue_order AS queue_locks,
                        row_number() OVER queue_order AS queue_position
                    FROM (
                        SELECT candidate.id, candidate.queue_name, candidate.locks_queue, candidate.priority, candidate.run_at
                        FROM job_request AS candidate
                        WHERE candidate.status = 'queued'{filters}
                          AND NOT EXISTS (SELECT 1 FROM job_request AS other
                                          WHERE other.queue_name = candidate.queue_name AND other.status = 'running'
                                            AND other.locks_queue = 1)
                          AND (candidate.locks_queue = 0
                               OR NOT EXISTS (SELECT 1 FROM job_request AS other
                                              WHERE other.queue_name = candidate.queue_name AND other.status = 'running'))
                        ORDER BY candidate.priority DESC, candidate.run_at, candidate.id
                        LIMIT @Limit)
                    WINDOW queue_order AS (PARTITION BY queue_name ORDER BY priority DESC, run_at, id))
                WHERE queue_position = 1 OR (queue_locks = 0 AND locks_queue = 0))
            RETURNING {SqliteJobRow.Columns}
            """;
    }
}
