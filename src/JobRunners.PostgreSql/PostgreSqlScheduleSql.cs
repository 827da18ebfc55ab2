namespace JobRunners.PostgreSql;

/// <summary>
/// The schedule store's statements for one schema. Time always comes in as a parameter (<c>@Now</c>) from the
/// store's <see cref="TimeProvider"/>, never from SQL <c>now()</c>, so a fake clock drives leases and runs in tests.
/// </summary>
internal sealed class PostgreSqlScheduleSql
{
    /// <summary>The one lease row the recurring scheduler's leader holds.</summary>
    public const string LeaseName = "scheduler";

    private const string Columns = PostgreSqlScheduleRow.Columns;

    public PostgreSqlScheduleSql(string quotedSchema)
    {
        var table = $"{quotedSchema}.job_schedule";
        var lease = $"{quotedSchema}.scheduler_lease";

        // The next run is kept unless the timing changed or there was none; a limit already reached clears it.
        // xmax = 0 only on a freshly inserted row version: it tells an insert from an update.
        Upsert = $"""
            INSERT INTO {table} AS s (tag, job_type, payload, kind, interval_ms, cron, time_zone, start_at, next_run_at,
                executions, max_executions, no_overlap, paused, options, created_at, updated_at)
            VALUES (@Tag, @JobType, @Payload::jsonb, @Kind, @IntervalMs, @Cron, @TimeZone, @StartAt, @NextRunAt,
                0, @MaxExecutions, @NoOverlap, @Paused, @Options::jsonb, @Now, @Now)
            ON CONFLICT (tag) DO UPDATE SET
                next_run_at = CASE
                    WHEN excluded.max_executions > 0 AND s.executions >= excluded.max_executions THEN NULL
                    WHEN s.next_run_at IS NULL
                        OR s.kind IS DISTINCT FROM excluded.kind OR s.interval_ms IS DISTINCT FROM excluded.interval_ms
                        OR s.cron IS DISTINCT FROM excluded.cron OR s.time_zone IS DISTINCT FROM excluded.time_zone
                        OR s.start_at IS DISTINCT FROM excluded.start_at
                    THEN excluded.next_run_at
                    ELSE s.next_run_at END,
                job_type = excluded.job_type, payload = excluded.payload, kind = excluded.kind,
                interval_ms = excluded.interval_ms, cron = excluded.cron, time_zone = excluded.time_zone,
                start_at = excluded.start_at, max_executions = excluded.max_executions, no_overlap = excluded.no_overlap,
                options = excluded.options, updated_at = excluded.updated_at
            RETURNING {Columns}, (xmax = 0) AS Created
            """;
        Get = $"SELECT {Columns} FROM {table} WHERE tag = @Tag";
        List = $"SELECT {Columns} FROM {table} ORDER BY tag COLLATE \"C\"";
        SetPaused = $"UPDATE {table} SET paused = @Paused, updated_at = @Now WHERE tag = @Tag";
        Delete = $"DELETE FROM {table} WHERE tag = @Tag";
        ListDue = $"""
            SELECT {Columns} FROM {table}
            WHERE pending_run_at IS NOT NULL
               OR (NOT paused AND next_run_at <= @DueBy AND (max_executions = 0 OR executions < max_executions))
            ORDER BY coalesce(pending_run_at, next_run_at), tag COLLATE "C"
            LIMIT @Limit
            """;

        NextDue = $"""
            SELECT min(coalesce(pending_run_at, next_run_at)) FROM {table}
            WHERE pending_run_at IS NOT NULL
               OR (NOT paused AND next_run_at IS NOT NULL AND (max_executions = 0 OR executions < max_executions))
            """;

        // Compare-and-set on next_run_at, fenced by the caller's unexpired lease. A concurrent claim of the same run
        // waits on the row lock, then re-checks next_run_at against the committed row and updates nothing.
        Claim = $"""
            UPDATE {table}
            SET executions = executions + 1, last_run_at = next_run_at, pending_run_at = next_run_at,
                next_run_at = CASE WHEN max_executions > 0 AND executions + 1 >= max_executions THEN NULL ELSE @NextRunAt END,
                last_error = NULL, updated_at = @Now
            WHERE tag = @Tag AND next_run_at = @DueAt AND pending_run_at IS NULL AND NOT paused
              AND (max_executions = 0 OR executions < max_executions)
              AND EXISTS (SELECT 1 FROM {lease} WHERE name = '{LeaseName}' AND holder = @Holder AND expires_at > @Now)
            """;
        Complete = $"""
            UPDATE {table}
            SET pending_run_at = NULL, last_job_id = coalesce(@JobId, last_job_id), last_error = @Error, updated_at = @Now
            WHERE tag = @Tag AND pending_run_at = @DueAt
            """;
        // Walks the job type's rows newest first on ix_job_request_job_type: a run's row is among the newest.
        FindJobByUniqueKey = $"SELECT id FROM {quotedSchema}.job_request WHERE job_type = @JobType AND unique_key = @UniqueKey ORDER BY id DESC LIMIT 1";

        // Free, expired, already ours, or held by a session that has ended (its process died: the server ends the
        // session when the connection drops, so a survivor need not wait for the lease to expire). Run on the
        // candidate's own held session, whose pid the row records. ON CONFLICT DO UPDATE locks the row and re-checks
        // the WHERE against the committed version, so of two processes racing for the lease exactly one wins.
        AcquireLease = $"""
            INSERT INTO {lease} AS l (name, holder, acquired_at, expires_at, holder_pid)
            VALUES ('{LeaseName}', @Holder, @Now, @ExpiresAt, pg_backend_pid())
            ON CONFLICT (name) DO UPDATE SET
                acquired_at = CASE WHEN l.holder = excluded.holder THEN l.acquired_at ELSE excluded.acquired_at END,
                holder = excluded.holder,
                expires_at = excluded.expires_at,
                holder_pid = excluded.holder_pid
            WHERE l.holder = excluded.holder OR l.expires_at < excluded.acquired_at
               OR (l.holder_pid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_stat_activity AS a WHERE a.pid = l.holder_pid))
            RETURNING holder
            """;
        ReleaseLease = $"DELETE FROM {lease} WHERE name = '{LeaseName}' AND holder = @Holder";
        GetLease = $"SELECT holder AS Holder, acquired_at AS AcquiredAt, expires_at AS ExpiresAt FROM {lease} WHERE name = '{LeaseName}'";
    }

    public string Upsert { get; }

    public string Get { get; }

    public string List { get; }

    public string SetPaused { get; }

    public string Delete { get; }

    public string ListDue { get; }
    public string NextDue { get; }

    public string Claim { get; }

    public string Complete { get; }

    public string FindJobByUniqueKey { get; }

    public string AcquireLease { get; }

    public string ReleaseLease { get; }

    public string GetLease { get; }
}
