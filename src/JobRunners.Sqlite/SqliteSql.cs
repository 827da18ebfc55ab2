using System.Text.Json;

namespace JobRunners.Sqlite;

/// <summary>
/// The store's statements. Each mutation is one statement, or one per row of a batch inside a BEGIN IMMEDIATE
/// transaction, so it runs atomically under SQLite's write lock. Lists are bound as JSON arrays read with
/// <c>json_each</c>, so the statement text does not change with their length.
/// </summary>
internal static class SqliteSql
{
    private const string Columns = SqliteJobRow.Columns;

    // A lease-holder's write: only while the row runs under the caller's lease.
    private const string LeaseGuard = "WHERE id = @Id AND status = 'running' AND locked_by = @LockedBy";

    /// <summary>The stored unique_until of an identity held for ever: <see cref="DateTimeOffset.MaxValue"/> in milliseconds.</summary>
    public const long ForeverMilliseconds = 253_402_300_799_999;

    /// <summary>The queue part of a row's identity, as ux_job_request_identity indexes it.</summary>
    private const string IdentityQueue = "(CASE WHEN unique_per_queue THEN queue_name ELSE '' END)";

    public const string Insert = $"""
        INSERT INTO job_request (job_type, queue_name, payload, status, progress, attempts, max_attempts, priority,
            run_at, unique_key, locks_queue, assigned, runner, dispatched_at, created_at, updated_at, trace_parent, trace_state,
            unique_until, unique_held, unique_per_queue)
        VALUES (@JobType, @QueueName, @Payload, 'queued', 0, 0, @MaxAttempts, @Priority,
            @RunAt, @UniqueKey, @LocksQueue, 0, @Runner, @DispatchedAt, @Now, @Now, @TraceParent, @TraceState,
            @UniqueUntil, @UniqueUntil IS NOT NULL, @UniquePerQueue)
        ON CONFLICT DO NOTHING
        RETURNING {Columns}
        """;

    // The row holding an identity: unfinished, or finished and still held (ux_job_request_identity).
    public const string GetIdentityHolder = $"""
        SELECT {Columns} FROM job_request
        WHERE job_type = @JobType AND unique_key = @UniqueKey AND {IdentityQueue} = @IdentityQueue
          AND unique_key IS NOT NULL AND (status IN ('queued', 'running') OR unique_held)
        """;

    // A finished row whose period ended gives its identity up, so the next insert takes it.
    public const string ReleaseExpiredIdentity = """
        UPDATE job_request SET unique_held = 0
        WHERE id = @Id AND unique_held AND unique_until <= @Now AND status IN ('succeeded', 'failed', 'cancelled')
        """;

    /// <summary>A finished row that may be deleted without forgetting an identity: it holds none, or its period is over.</summary>
    public const string KeepsIdentity = "NOT (unique_held AND unique_until > @Now)";

    public const string Get = $"SELECT {Columns} FROM job_request WHERE id = @Id";

    public const string SelectAll = $"SELECT {Columns} FROM job_request";

    public const string GetMany = $"SELECT {Columns} FROM job_request WHERE id IN (SELECT value FROM json_each(@Ids))";

    // A late mark must not hide a retry: a row queued again after a later attempt keeps its cleared dispatched_at.
    public const string MarkDispatched = """
        UPDATE job_request SET dispatched_at = @Now, runner = @Runner, updated_at = @Now
        WHERE id = @Id AND (status <> 'queued' OR attempts = @SentAtAttempts)
        """;

    public const string ReportProgress = $"""
        UPDATE job_request SET progress = @Progress, result_message = coalesce(@Message, result_message), updated_at = @Now
        {LeaseGuard}
        """;

    public const string ExtendLeases = """
        UPDATE job_request SET locked_until = @LockedUntil, updated_at = @Now
        WHERE id IN (SELECT value FROM json_each(@Ids)) AND status = 'running' AND locked_by = @LockedBy
        RETURNING id
        """;

    public const string Cancel = """
        UPDATE job_request
        SET status = 'cancelled', finished_at = @Now, result_message = coalesce(@Reason, result_message),
            locked_until = NULL, updated_at = @Now
        WHERE id = @Id AND status IN ('queued', 'running')
        """;

    // A rescued row keeps its run_at (unless that is still ahead: a row claimed early) and its priority: its next
    // attempt is claimed in its place, ahead of a backlog.
    public const string RescueExpiredLeases = $"""
        UPDATE job_request
        SET status = CASE WHEN attempts < max_attempts THEN 'queued' ELSE 'failed' END,
            run_at = CASE WHEN attempts < max_attempts THEN min(run_at, @Now) ELSE run_at END,
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

    // The outbox's rows; those the same sweep just rescued are reported as rescued only. The grace lets an in-flight
    // dispatch mark its row; a row a worker already claimed (a retry handed back to the outbox) is listed once due.
    public const string ListUndispatched = $"""
        SELECT {Columns} FROM job_request
        WHERE status = 'queued' AND dispatched_at IS NULL AND run_at <= @Now AND (created_at < @Before OR started_at IS NOT NULL)
          AND id NOT IN (SELECT value FROM json_each(@Rescued))
        ORDER BY id LIMIT @Limit
        """;

    // A row still holding its identity (a period not yet over, or for ever) is kept: pruning it would let the job run again.
    public const string Prune = $"""
        DELETE FROM job_request
        WHERE status IN ('succeeded', 'failed', 'cancelled') AND finished_at < @FinishedBefore AND {KeepsIdentity}
        """;

    // Gauges and health, one pass over the queued rows. EXPLAIN QUERY PLAN with 200,000 rows (190,000 finished,
    // 10,000 queued in 20 queues): SCAN job_request USING INDEX ix_job_request_claim (the partial index on
    // status = 'queued'), so finished rows are never read; about 5 ms. max(a, b) is SQLite's scalar greatest.
    public const string QueueStats = """
        SELECT queue_name, count(*),
            count(*) FILTER (WHERE run_at <= @Now),
            min(run_at) FILTER (WHERE run_at <= @Now),
            count(*) FILTER (WHERE run_at <= @Now AND dispatched_at IS NULL),
            min(max(run_at, updated_at)) FILTER (WHERE run_at <= @Now AND dispatched_at IS NULL)
        FROM job_request
        WHERE status = 'queued'
        GROUP BY queue_name
        ORDER BY queue_name
        """;

    // Two statements: SQLite resolves a table when it prepares a statement, so the version cannot be read in the
    // statement that checks the table exists (a file nobody migrated has none).
    public const string HasMigrationsTable = "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations')";

    public const string SchemaVersion = "SELECT coalesce(max(version), 0) FROM schema_migrations";

    private const string CompleteSucceeded = $"""
        UPDATE job_request
        SET status = 'succeeded', progress = 100, finished_at = @Now, result_message = coalesce(@ResultMessage, result_message),
            locked_until = NULL, updated_at = @Now
        {LeaseGuard}
        """;

    private const string CompleteDeleted = $"DELETE FROM job_request {LeaseGuard}";

    private const string CompleteFailed = $"""
        UPDATE job_request
        SET status = 'failed', finished_at = @Now, last_error = @Error, result_message = coalesce(@ResultMessage, result_message),
            locked_until = NULL, updated_at = @Now
        {LeaseGuard}
        """;

    private const string CompleteCancelled = $"""
        UPDATE job_request
        SET status = 'cancelled', finished_at = @Now, last_error = coalesce(@Error, last_error),
            result_message = coalesce(@ResultMessage, result_message), locked_until = NULL, updated_at = @Now
        {LeaseGuard}
        """;

    private const string CompleteRetry = $"""
        UPDATE job_request
        SET status = 'queued', run_at = @RetryAt, last_error = @Error, result_message = coalesce(@ResultMessage, result_message),
            locked_by = NULL, locked_until = NULL, updated_at = @Now,
            dispatched_at = CASE WHEN @Undispatch THEN NULL ELSE dispatched_at END
        {LeaseGuard}
        """;

    // Released: interrupted by shutdown, so the attempt the claim counted is given back.
    private const string CompleteReleased = $"""
        UPDATE job_request
        SET status = 'queued', attempts = attempts - 1, run_at = @Now, locked_by = NULL, locked_until = NULL, updated_at = @Now,
            dispatched_at = CASE WHEN @Undispatch THEN NULL ELSE dispatched_at END
        {LeaseGuard}
        """;

    /// <summary>A list as the JSON array <c>json_each</c> reads; null stays null.</summary>
    public static string? JsonList<T>(IEnumerable<T>? values) => values is null ? null : JsonSerializer.Serialize(values);

    /// <summary>The lease holder's write of one completion; it changes no row when the lease is no longer held.</summary>
    public static string Complete(JobCompletion completion) => completion.Outcome.Kind switch
    {
        JobOutcomeKind.Succeeded => completion.DeleteOnSuccess ? CompleteDeleted : CompleteSucceeded,
        JobOutcomeKind.Failed => CompleteFailed,
        JobOutcomeKind.Cancelled => CompleteCancelled,
        JobOutcomeKind.Retry => CompleteRetry,
        JobOutcomeKind.Released => CompleteReleased,
        _ => throw new ArgumentOutOfRangeException(nameof(completion), completion.Outcome.Kind, "Not an outcome that is written to a row."),
    };
}
