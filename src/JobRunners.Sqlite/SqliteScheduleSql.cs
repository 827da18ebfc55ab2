namespace JobRunners.Sqlite;

/// <summary>The schedule store's statements. Each mutation is one statement, so it runs atomically under SQLite's write lock.</summary>
internal static class SqliteScheduleSql
{
    private const string Columns = SqliteScheduleRow.Columns;

    /// <summary>The one lease row the recurring scheduler's leader holds.</summary>
    public const string LeaseName = "scheduler";

    public const string Exists = "SELECT count(*) FROM job_schedule WHERE tag = @Tag";

    // The next run is kept unless the timing changed or there was none; a limit already reached clears it.
    public const string Upsert = $"""
        INSERT INTO job_schedule (tag, job_type, payload, kind, interval_ms, cron, time_zone, start_at, next_run_at,
            executions, max_executions, no_overlap, paused, options, created_at, updated_at)
        VALUES (@Tag, @JobType, @Payload, @Kind, @IntervalMs, @Cron, @TimeZone, @StartAt, @NextRunAt,
            0, @MaxExecutions, @NoOverlap, @Paused, @Options, @Now, @Now)
        ON CONFLICT (tag) DO UPDATE SET
            next_run_at = CASE
                WHEN excluded.max_executions > 0 AND job_schedule.executions >= excluded.max_executions THEN NULL
                WHEN job_schedule.next_run_at IS NULL
                    OR job_schedule.kind IS NOT excluded.kind OR job_schedule.interval_ms IS NOT excluded.interval_ms
                    OR job_schedule.cron IS NOT excluded.cron OR job_schedule.time_zone IS NOT excluded.time_zone
                    OR job_schedule.start_at IS NOT excluded.start_at
                THEN excluded.next_run_at
                ELSE job_schedule.next_run_at END,
            job_type = excluded.job_type, payload = excluded.payload, kind = excluded.kind,
            interval_ms = excluded.interval_ms, cron = excluded.cron, time_zone = excluded.time_zone,
            start_at = excluded.start_at, max_executions = excluded.max_executions, no_overlap = excluded.no_overlap,
            options = excluded.options, updated_at = excluded.updated_at
        RETURNING {Columns}
        """;

    public const string Get = $"SELECT {Columns} FROM job_schedule WHERE tag = @Tag";

    public const string List = $"SELECT {Columns} FROM job_schedule ORDER BY tag";

    public const string SetPaused = "UPDATE job_schedule SET paused = @Paused, updated_at = @Now WHERE tag = @Tag";

    public const string Delete = "DELETE FROM job_schedule WHERE tag = @Tag";

    public const string ListDue = $"""
        SELECT {Columns} FROM job_schedule
        WHERE pending_run_at IS NOT NULL
           OR (paused = 0 AND next_run_at <= @DueBy AND (max_executions = 0 OR executions < max_executions))
        ORDER BY coalesce(pending_run_at, next_run_at), tag
        LIMIT @Limit
        """;

    public const string NextDue = """
        SELECT min(coalesce(pending_run_at, next_run_at)) FROM job_schedule
        WHERE pending_run_at IS NOT NULL
           OR (paused = 0 AND next_run_at IS NOT NULL AND (max_executions = 0 OR executions < max_executions))
        """;

    // Compare-and-set on next_run_at, fenced by the caller's unexpired lease: of two claims of one run, one wins.
    public const string Claim = $"""
        UPDATE job_schedule
        SET executions = executions + 1, last_run_at = next_run_at, pending_run_at = next_run_at,
            next_run_at = CASE WHEN max_executions > 0 AND executions + 1 >= max_executions THEN NULL ELSE @NextRunAt END,
            last_error = NULL, updated_at = @Now
        WHERE tag = @Tag AND next_run_at = @DueAt AND pending_run_at IS NULL AND paused = 0
          AND (max_executions = 0 OR executions < max_executions)
          AND EXISTS (SELECT 1 FROM scheduler_lease
                      WHERE name = '{LeaseName}' AND holder = @Holder AND expires_at > @Now)
        """;

    public const string Complete = """
        UPDATE job_schedule
        SET pending_run_at = NULL, last_job_id = coalesce(@JobId, last_job_id), last_error = @Error, updated_at = @Now
        WHERE tag = @Tag AND pending_run_at = @DueAt
        """;

    // Walks the job type's rows newest first on ix_job_request_job_type: a run's row is among the newest.
    public const string FindJobByUniqueKey =
        "SELECT id FROM job_request WHERE job_type = @JobType AND unique_key = @UniqueKey ORDER BY id DESC LIMIT 1";

    // Free, expired, or already ours: one upsert decides, under the write lock, so two processes cannot both win.
    public const string AcquireLease = $"""
        INSERT INTO scheduler_lease (name, holder, acquired_at, expires_at)
        VALUES ('{LeaseName}', @Holder, @Now, @ExpiresAt)
        ON CONFLICT (name) DO UPDATE SET
            acquired_at = CASE WHEN scheduler_lease.holder = excluded.holder THEN scheduler_lease.acquired_at ELSE excluded.acquired_at END,
            holder = excluded.holder,
            expires_at = excluded.expires_at
        WHERE scheduler_lease.holder = excluded.holder OR scheduler_lease.expires_at < excluded.acquired_at
        RETURNING holder
        """;

    public const string ReleaseLease = $"DELETE FROM scheduler_lease WHERE name = '{LeaseName}' AND holder = @Holder";

    public const string GetLease =
        $"SELECT holder AS Holder, acquired_at AS AcquiredAt, expires_at AS ExpiresAt FROM scheduler_lease WHERE name = '{LeaseName}'";
}
