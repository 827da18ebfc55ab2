using JobRunners.Storage;

namespace JobRunners.Sqlite;

/// <summary>The store's statements. Each mutation is one statement, so it runs atomically under SQLite's write lock.</summary>
internal static class SqliteSql
{
    private const string Columns = SqliteJobRow.Columns;

    // A lease-holder's write: only while the row runs under the caller's lease.
    private const string LeaseGuard = "WHERE id = @Id AND status = 'running' AND locked_by = @LockedBy";

    public const string Insert = $"""
        INSERT INTO job_request (job_type, queue_name, payload, status, progress, attempts, max_attempts, priority,
            run_at, unique_key, locks_queue, assigned, runner, dispatched_at, created_at, updated_at)
        VALUES (@JobType, @QueueName, @Payload, 'queued', 0, 0, @MaxAttempts, @Priority,
            @RunAt, @UniqueKey, @LocksQueue, 0, @Runner, @DispatchedAt, @Now, @Now)
        ON CONFLICT DO NOTHING
        RETURNING {Columns}
        """;

    public const string GetUnfinishedByUniqueKey =
        $"SELECT {Columns} FROM job_request WHERE unique_key = @UniqueKey AND status IN ('queued', 'running')";

    public const string Get = $"SELECT {Columns} FROM job_request WHERE id = @Id";

    public const string SelectAll = $"SELECT {Columns} FROM job_request";

    public const string MarkDispatched =
        "UPDATE job_request SET dispatched_at = @Now, runner = @Runner, updated_at = @Now WHERE id = @Id AND (@SentAtAttempts IS NULL OR status <> 'queued' OR attempts = @SentAtAttempts)";

    // A locking job runs alone in its queue: nothing starts while one runs, and it does not start while anything runs.
    public const string Claim = $"""
        UPDATE job_request
        SET status = 'running', assigned = 1, locked_by = @WorkerId, locked_until = @LockedUntil,
            attempts = attempts + 1, started_at = @Now, updated_at = @Now
        WHERE id = @Id AND status = 'queued' AND (run_at <= @Now OR @IgnoreRunAt = 1)
          AND NOT EXISTS (SELECT 1 FROM job_request AS other
                          WHERE other.queue_name = job_request.queue_name AND other.status = 'running'
                            AND other.locks_queue = 1)
          AND (job_request.locks_queue = 0
               OR NOT EXISTS (SELECT 1 FROM job_request AS other
                              WHERE other.queue_name = job_request.queue_name AND other.status = 'running'))
        RETURNING {Columns}
        """;

    public const string ReportProgress = $"""
        UPDATE job_request SET progress = @Progress, result_message = coalesce(@Message, result_message), updated_at = @Now
        {LeaseGuard}
        """;

    public const string ExtendLease = $"UPDATE job_request SET locked_until = @LockedUntil, updated_at = @Now {LeaseGuard}";

    public const string Cancel = """
        UPDATE job_request
        SET status = 'cancelled', finished_at = @Now, result_message = coalesce(@Reason, result_message),
            locked_until = NULL, updated_at = @Now
        WHERE id = @Id AND status IN ('queued', 'running')
        """;

    public const string RescueExpiredLeases = $"""
        UPDATE job_request
        SET status = CASE WHEN attempts < max_attempts THEN 'queued' ELSE 'failed' END,
            run_at = CASE WHEN attempts < max_attempts THEN @Now ELSE run_at END,
            dispatched_at = CASE WHEN attempts < max_attempts THEN NULL ELSE dispatched_at END,
            locked_by = CASE WHEN attempts < max_attempts THEN NULL ELSE locked_by END,
            finished_at = CASE WHEN attempts < max_attempts THEN NULL ELSE @Now END,
            locked_until = NULL,
            last_error = 'Lease expired: worker ''' || coalesce(locked_by, '') || ''' stopped renewing its lease during attempt '
                || attempts || ' (the process probably stopped).',
            updated_at = @Now
        WHERE status = 'running' AND locked_until < @Now
        RETURNING {Columns}
        """;

    public const string Prune = """
        DELETE FROM job_request
        WHERE status IN ('succeeded', 'failed', 'cancelled') AND finished_at < @FinishedBefore
        """;

    private const string FinishSucceeded = $"""
        UPDATE job_request
        SET status = 'succeeded', progress = 100, finished_at = @Now, result_message = coalesce(@ResultMessage, result_message),
            locked_until = NULL, updated_at = @Now
        {LeaseGuard}
        """;

    private const string FinishFailed = $"""
        UPDATE job_request
        SET status = 'failed', finished_at = @Now, last_error = @Error, result_message = coalesce(@ResultMessage, result_message),
            locked_until = NULL, updated_at = @Now
        {LeaseGuard}
        """;

    private const string FinishCancelled = $"""
        UPDATE job_request
        SET status = 'cancelled', finished_at = @Now, last_error = coalesce(@Error, last_error),
            result_message = coalesce(@ResultMessage, result_message), locked_until = NULL, updated_at = @Now
        {LeaseGuard}
        """;

    private const string FinishRetry = $"""
        UPDATE job_request
        SET status = 'queued', run_at = @RetryAt, last_error = @Error, result_message = coalesce(@ResultMessage, result_message),
            locked_by = NULL, locked_until = NULL, updated_at = @Now,
            dispatched_at = CASE WHEN @Undispatch THEN NULL ELSE dispatched_at END
        {LeaseGuard}
        """;

    // Released: interrupted by shutdown, so the attempt the claim counted is given back.
    private const string FinishReleased = $"""
        UPDATE job_request
        SET status = 'queued', attempts = attempts - 1, run_at = @Now, locked_by = NULL, locked_until = NULL, updated_at = @Now,
            dispatched_at = CASE WHEN @Undispatch THEN NULL ELSE dispatched_at END
        {LeaseGuard}
        """;

    public static string FinishAttempt(AttemptOutcome outcome) => outcome switch
    {
        AttemptOutcome.Succeeded => FinishSucceeded,
        AttemptOutcome.Failed => FinishFailed,
        AttemptOutcome.Cancelled => FinishCancelled,
        AttemptOutcome.Retry => FinishRetry,
        AttemptOutcome.Released => FinishReleased,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown attempt outcome."),
    };
}
