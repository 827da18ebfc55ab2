using JobRunners.Storage;

namespace JobRunners.PostgreSql;

/// <summary>
/// The store's statements for one schema. Time always comes in as a parameter (<c>@Now</c>) from the store's
/// <see cref="TimeProvider"/>, never from SQL <c>now()</c>, so a fake clock drives leases and delays in tests.
/// </summary>
internal sealed class PostgreSqlSql
{
    private const string Columns = PostgreSqlJobRow.Columns;

    // A lease-holder's write: only while the row runs under the caller's lease.
    private const string LeaseGuard = "WHERE id = @Id AND status = 'running' AND locked_by = @LockedBy";

    private readonly Dictionary<AttemptOutcome, string> _finishAttempt;

    public PostgreSqlSql(string quotedSchema)
    {
        var table = $"{quotedSchema}.job_request";
        Table = table;
        Insert = $"""
            INSERT INTO {table} (job_type, queue_name, payload, status, progress, attempts, max_attempts, priority,
                run_at, unique_key, locks_queue, assigned, runner, dispatched_at, created_at, updated_at)
            VALUES (@JobType, @QueueName, @Payload::jsonb, 'queued', 0, 0, @MaxAttempts, @Priority,
                @RunAt, @UniqueKey, @LocksQueue, false, @Runner, @DispatchedAt, @Now, @Now)
            ON CONFLICT DO NOTHING
            RETURNING {Columns}
            """;
        GetUnfinishedByUniqueKey = $"SELECT {Columns} FROM {table} WHERE unique_key = @UniqueKey AND status IN ('queued', 'running')";
        Get = $"SELECT {Columns} FROM {table} WHERE id = @Id";
        SelectAll = $"SELECT {Columns} FROM {table}";
        MarkDispatched = $"UPDATE {table} SET dispatched_at = @Now, runner = @Runner, updated_at = @Now WHERE id = @Id AND (@SentAtAttempts::int IS NULL OR status <> 'queued' OR attempts = @SentAtAttempts)";

        // Claims of one queue take a transaction-scoped advisory lock on it before the claim's UPDATE: shared for
        // ordinary jobs, exclusive for locking ones. Without it two claims in one queue could each miss the other's
        // uncommitted running row and start a locking job beside another job.
        LockQueueForClaim = $"""
            SELECT CASE WHEN locks_queue
                THEN pg_advisory_xact_lock(hashtext(@LockSpace), hashtext(queue_name))
                ELSE pg_advisory_xact_lock_shared(hashtext(@LockSpace), hashtext(queue_name)) END
            FROM {table} WHERE id = @Id AND status = 'queued'
            """;
        Claim = $"""
            UPDATE {table} AS j
            SET status = 'running', assigned = true, locked_by = @WorkerId, locked_until = @LockedUntil,
                attempts = j.attempts + 1, started_at = @Now, updated_at = @Now
            WHERE j.id = @Id AND j.status = 'queued' AND (j.run_at <= @Now OR @IgnoreRunAt)
              AND NOT EXISTS (SELECT 1 FROM {table} AS other
                              WHERE other.queue_name = j.queue_name AND other.status = 'running' AND other.locks_queue)
              AND (NOT j.locks_queue
                   OR NOT EXISTS (SELECT 1 FROM {table} AS other
                                  WHERE other.queue_name = j.queue_name AND other.status = 'running'))
            RETURNING {Columns}
            """;
        ReportProgress = $"""
            UPDATE {table} SET progress = @Progress, result_message = coalesce(@Message, result_message), updated_at = @Now
            {LeaseGuard}
            """;
        ExtendLease = $"UPDATE {table} SET locked_until = @LockedUntil, updated_at = @Now {LeaseGuard}";
        Cancel = $"""
            UPDATE {table}
            SET status = 'cancelled', finished_at = @Now, result_message = coalesce(@Reason, result_message),
                locked_until = NULL, updated_at = @Now
            WHERE id = @Id AND status IN ('queued', 'running')
            """;
        RescueExpiredLeases = $"""
            UPDATE {table}
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
        Prune = $"DELETE FROM {table} WHERE status IN ('succeeded', 'failed', 'cancelled') AND finished_at < @FinishedBefore";
        _finishAttempt = new Dictionary<AttemptOutcome, string>
        {
            [AttemptOutcome.Succeeded] = $"""
                UPDATE {table}
                SET status = 'succeeded', progress = 100, finished_at = @Now, result_message = coalesce(@ResultMessage, result_message),
                    locked_until = NULL, updated_at = @Now
                {LeaseGuard}
                """,
            [AttemptOutcome.Failed] = $"""
                UPDATE {table}
                SET status = 'failed', finished_at = @Now, last_error = @Error, result_message = coalesce(@ResultMessage, result_message),
                    locked_until = NULL, updated_at = @Now
                {LeaseGuard}
                """,
            [AttemptOutcome.Cancelled] = $"""
                UPDATE {table}
                SET status = 'cancelled', finished_at = @Now, last_error = coalesce(@Error, last_error),
                    result_message = coalesce(@ResultMessage, result_message), locked_until = NULL, updated_at = @Now
                {LeaseGuard}
                """,
            [AttemptOutcome.Retry] = $"""
                UPDATE {table}
                SET status = 'queued', run_at = @RetryAt, last_error = @Error, result_message = coalesce(@ResultMessage, result_message),
                    locked_by = NULL, locked_until = NULL, updated_at = @Now,
                    dispatched_at = CASE WHEN @Undispatch THEN NULL ELSE dispatched_at END
                {LeaseGuard}
                """,

            // Released: interrupted by shutdown, so the attempt the claim counted is given back.
            [AttemptOutcome.Released] = $"""
                UPDATE {table}
                SET status = 'queued', attempts = attempts - 1, run_at = @Now, locked_by = NULL, locked_until = NULL, updated_at = @Now,
                    dispatched_at = CASE WHEN @Undispatch THEN NULL ELSE dispatched_at END
                {LeaseGuard}
                """,
        };
    }

    public string Table { get; }
    public string Insert { get; }
    public string GetUnfinishedByUniqueKey { get; }
    public string Get { get; }
    public string SelectAll { get; }
    public string MarkDispatched { get; }
    public string LockQueueForClaim { get; }
    public string Claim { get; }
    public string ReportProgress { get; }
    public string ExtendLease { get; }
    public string Cancel { get; }
    public string RescueExpiredLeases { get; }
    public string Prune { get; }

    public string FinishAttempt(AttemptOutcome outcome) => _finishAttempt.TryGetValue(outcome, out var sql)
        ? sql
        : throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown attempt outcome.");
}
