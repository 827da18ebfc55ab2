namespace JobRunners.PostgreSql;

/// <summary>
/// The store's statements for one schema. Time comes in as a parameter (<c>@Now</c>) from the store's
/// <see cref="TimeProvider"/>, so a fake clock drives delays in tests; leases too, unless they are timed by the
/// database's <c>now()</c> (the <c>databaseLeaseClock</c> argument): then every host sets and compares lease ends on one
/// clock, and a host whose clock is skewed cannot rescue live leases.
/// </summary>
internal sealed class PostgreSqlSql
{
    private const string Columns = PostgreSqlJobRow.Columns;

    // A lease-holder's write: only while the row runs under the caller's lease.
    private const string LeaseGuard = "WHERE id = @Id AND status = 'running' AND locked_by = @LockedBy";

    /// <summary>A finished row that may be deleted without forgetting an identity: it holds none, or its period is over.</summary>
    public const string KeepsIdentity = "NOT (unique_held AND unique_until > @Now)";

    private readonly string[] _inserts;

    /// <summary>The queue part of a row's identity, as ux_job_request_identity indexes it.</summary>
    private static int InsertIndex(bool single, bool keyed, bool notify) => (single ? 4 : 0) + (keyed ? 2 : 0) + (notify ? 1 : 0);

    public static string IdentityQueue(string alias) => $"(CASE WHEN {alias}.unique_per_queue THEN {alias}.queue_name ELSE '' END)";

    public PostgreSqlSql(string quotedSchema, bool databaseLeaseClock = false)
    {
        // With the database's clock, the lease parameters ($3 of the claim and of the extension) are lengths, not ends.
        var leaseEnd = databaseLeaseClock ? "now() + $3::interval" : "$3::timestamptz";
        var leaseNow = databaseLeaseClock ? "now()" : "@Now";
        var table = $"{quotedSchema}.job_request";
        Table = table;
        // Rows in input order from one statement: identity values follow the input order, which the store relies on
        // to match returned rows without a unique key to its input. A row whose identity another row holds is
        // skipped (ON CONFLICT DO NOTHING on ux_job_request_identity). Positional parameters (the hot statements, run
        // through PostgreSqlJobReader): $1 job types, $2 queue names, $3 payloads, $4 max attempts, $5 priorities,
        // $6 run_at, $7 unique keys, $8 locks_queue, $9 runners, $10 dispatched, $11 now, $12 trace parents,
        // $13 trace states, $14 unique_until (null while unfinished, 'infinity' for ever), $15 unique per queue;
        // with NOTIFY also $16 channel and $17 messages.
        const string input = """
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::timestamptz[], $7::text[],
                    $8::boolean[], $9::text[], $10::boolean[], $12::text[], $13::text[], $14::timestamptz[], $15::boolean[])
                WITH ORDINALITY AS x(job_type, queue_name, payload, max_attempts, priority, run_at, unique_key, locks_queue,
                    runner, dispatched, trace_parent, trace_state, unique_until, unique_per_queue, ord)
            """;
        var insert = $"""
            INSERT INTO {table} (job_type, queue_name, payload, status, progress, attempts, max_attempts, priority,
                run_at, unique_key, locks_queue, assigned, runner, dispatched_at, created_at, updated_at, trace_parent, trace_state,
                unique_until, unique_held, unique_per_queue)
            SELECT x.job_type, x.queue_name, x.payload::jsonb, 'queued', 0, 0, x.max_attempts, x.priority,
                x.run_at, x.unique_key, x.locks_queue, false, x.runner, CASE WHEN x.dispatched THEN $11 END, $11, $11,
                x.trace_parent, x.trace_state,
                x.unique_until, x.unique_until IS NOT NULL, x.unique_per_queue
            FROM x ORDER BY x.ord
            ON CONFLICT DO NOTHING
            RETURNING {Columns}
            """;

        // With unique keys, the same statement also reads the rows holding the skipped rows' identities (in the
        // statement's snapshot; a holder committed after it is read in the store's next round). The last column says
        // which rows were written. The holder read is an index probe of ux_job_request_identity per keyed row
        // (a lateral subquery with LIMIT 1, which the planner cannot flatten into a join, so the probe is parameterized
        // whatever it thinks of the table's size; flattened, a generic plan hashed a sequential scan of the table).
        var holders = $"""
            SELECT h.*, false FROM x CROSS JOIN LATERAL (
                SELECT {Columns} FROM {table} AS j
                WHERE j.job_type = x.job_type AND j.unique_key = x.unique_key
                  AND {IdentityQueue("j")} = (CASE WHEN x.unique_per_queue THEN x.queue_name ELSE '' END)
                  AND j.unique_key IS NOT NULL AND (j.status IN ('queued', 'running') OR j.unique_held)
                LIMIT 1) AS h
            WHERE x.unique_key IS NOT NULL
            """;
        const string notify = "notified AS (SELECT count(pg_notify($16, m)) AS sent FROM unnest($17::text[]) AS m)";

        // One row (every DispatchJobAsync) binds scalars instead of arrays: the planner then estimates the same single
        // row for every execution and settles on one cached plan, where the arrays' custom plans were planned again on
        // every call (measured in S2: about 350 µs more per keyed dispatch).
        const string one = """
            SELECT $1::text AS job_type, $2::text AS queue_name, $3::text AS payload, $4::int AS max_attempts, $5::int AS priority,
                $6::timestamptz AS run_at, $7::text AS unique_key, $8::boolean AS locks_queue, $9::text AS runner,
                $10::boolean AS dispatched, $12::text AS trace_parent, $13::text AS trace_state, $14::timestamptz AS unique_until,
                $15::boolean AS unique_per_queue, 1::bigint AS ord
            """;
        string Statement(string rows, bool keyed, bool notifying) => (keyed, notifying) switch
        {
            (false, false) => $"WITH x AS ({rows}) {insert}",

            // With a NOTIFY per message: delivered when the statement's transaction commits, so a listener never wakes
            // before the rows are visible.
            (false, true) => $"""
                WITH x AS ({rows}), inserted AS ({insert}), {notify}
                SELECT inserted.* FROM inserted CROSS JOIN notified
                """,
            (true, false) => $"""
                WITH x AS MATERIALIZED ({rows}), inserted AS ({insert})
                SELECT inserted.*, true FROM inserted
                UNION ALL
                {holders}
                """,
            (true, true) => $"""
                WITH x AS MATERIALIZED ({rows}), inserted AS ({insert}), {notify}
                SELECT inserted.*, true FROM inserted CROSS JOIN notified
                UNION ALL
                {holders}
                """,
        };
        _inserts = new string[8];
        foreach (var single in new[] { false, true })
        {
            foreach (var keyed in new[] { false, true })
            {
                foreach (var notifying in new[] { false, true })
                {
                    _inserts[InsertIndex(single, keyed, notifying)] = Statement(single ? one : input, keyed, notifying);
                }
            }
        }

        // A finished row whose period ended gives its identity up (the next insert then takes it): run by the insert
        // that found it holding the identity, so an identity's period ends on the store's clock without a sweep.
        ReleaseExpiredIdentities = $"""
            UPDATE {table} SET unique_held = false
            WHERE id = ANY($1::bigint[]) AND unique_held AND unique_until <= $2
              AND status IN ('succeeded', 'failed', 'cancelled')
            """;
        Get = $"SELECT {Columns} FROM {table} WHERE id = @Id";
        SelectAll = $"SELECT {Columns} FROM {table}";
        GetMany = $"SELECT {Columns} FROM {table} WHERE id = ANY(@Ids::bigint[])";
        MarkDispatched = $"""
            UPDATE {table} AS j SET dispatched_at = @Now, runner = @Runner, updated_at = @Now
            FROM unnest(@Ids::bigint[], @Attempts::int[]) AS m(id, attempts)
            WHERE j.id = m.id AND (j.status <> 'queued' OR j.attempts = m.attempts)
            """;

        // The claim is the migration-installed function (PostgreSqlClaimFunction). $1 worker, $2 now, $3 lease end (or length),
        // $4 limit, $5 ids, $6 ignore run_at, $7 runner, $8 job types, $9 queues, $10 lock space.
        Claim = $"""
            SELECT {Columns} FROM {quotedSchema}.claim_jobs($1::text, $2::timestamptz, {leaseEnd},
                $4::int, $5::bigint[], $6::boolean, $7::text, $8::text[], $9::text[], $10::text)
            """;
        ReportProgress = $"""
            UPDATE {table} SET progress = @Progress, result_message = coalesce(@Message, result_message), updated_at = @Now
            {LeaseGuard}
            """;
        // $1 ids, $2 lease holder, $3 lease end (or length), $4 now.
        ExtendLeases = $"""
            UPDATE {table} SET locked_until = {leaseEnd}, updated_at = $4
            WHERE id = ANY($1::bigint[]) AND status = 'running' AND locked_by = $2
            RETURNING id
            """;
        Cancel = $"""
            UPDATE {table}
            SET status = 'cancelled', finished_at = @Now, result_message = coalesce(@Reason, result_message),
                locked_until = NULL, updated_at = @Now
            WHERE id = @Id AND status IN ('queued', 'running')
            """;
        // A rescued row keeps its run_at (unless that is still ahead: a row claimed early) and its priority: its next
        // attempt is claimed in its place, ahead of a backlog.
        RescueExpiredLeases = $"""
            UPDATE {table}
            SET status = CASE WHEN attempts < max_attempts THEN 'queued' ELSE 'failed' END,
                run_at = CASE WHEN attempts < max_attempts THEN LEAST(run_at, @Now) ELSE run_at END,
                dispatched_at = CASE WHEN attempts < max_attempts THEN NULL ELSE dispatched_at END,
                locked_by = CASE WHEN attempts < max_attempts THEN NULL ELSE locked_by END,
                finished_at = CASE WHEN attempts < max_attempts THEN NULL ELSE @Now END,
                locked_until = NULL,
                last_error = 'Lease expired: worker ''' || coalesce(locked_by, '') || ''' stopped renewing its lease during attempt '
                    || attempts || ' (the process probably stopped).',
                updated_at = @Now
            WHERE status = 'running' AND locked_until < {leaseNow}
            RETURNING {Columns}
            """;
        // The grace lets an in-flight dispatch mark its row; a row a worker already claimed (a retry handed back to the
        // outbox) has no dispatch in flight and is listed as soon as it is due.
        Sweep = $"""
            WITH rescued AS ({RescueExpiredLeases}),
            undispatched AS (
                SELECT {Columns} FROM {table}
                WHERE status = 'queued' AND dispatched_at IS NULL AND run_at <= @Now AND @UndispatchedBefore::timestamptz IS NOT NULL
                  AND (created_at < @UndispatchedBefore OR started_at IS NOT NULL)
                ORDER BY id LIMIT @Limit)
            SELECT true AS Rescued, rescued.* FROM rescued
            UNION ALL
            SELECT false, undispatched.* FROM undispatched
            """;
        // A row still holding its identity (a period not yet over, or for ever) is kept: pruning it would let the job run again.
        Prune = $"DELETE FROM {table} WHERE status IN ('succeeded', 'failed', 'cancelled') AND finished_at < @FinishedBefore AND {KeepsIdentity}";

        // Gauges and health, one pass over the queued rows. EXPLAIN ANALYZE on PostgreSQL 15, 200,000 rows: with
        // 190,000 finished and 10,000 queued in 20 queues the planner reads only the queued rows, through the partial
        // claim index (ix_job_request_claim, WHERE status = 'queued'; bitmap scan, ~10 ms). With all 200,000 queued
        // it scans the table in parallel (~280 ms on a loaded 2-core host), and a covering partial index on
        // (queue_name, run_at) INCLUDE (dispatched_at, updated_at) only brought that to ~145 ms even as a fresh
        // index-only scan: the aggregate, not the read, costs. Not worth a further index write on every insert and
        // claim, so the statement uses the existing indexes. $1 now.
        QueueStats = $"""
            SELECT queue_name, count(*),
                count(*) FILTER (WHERE run_at <= $1),
                min(run_at) FILTER (WHERE run_at <= $1),
                count(*) FILTER (WHERE run_at <= $1 AND dispatched_at IS NULL),
                min(greatest(run_at, updated_at)) FILTER (WHERE run_at <= $1 AND dispatched_at IS NULL)
            FROM {table}
            WHERE status = 'queued'
            GROUP BY queue_name
            ORDER BY queue_name
            """;

        // Many attempts' outcomes in one statement. Each row is written only while its lease holder still holds it;
        // the ids returned are the rows written. The kinds reproduce, column by column, what one attempt's end means:
        // succeeded (or deleted, for a task row), failed, cancelled, retry at a time, released (attempt given back).
        // $1 ids, $2 lease holders, $3 kinds, $4 retry times, $5 errors, $6 result messages, $7 undispatch,
        // $8 delete on success, $9 now.
        Complete = $"""
            WITH c AS (
                SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[],
                                     $5::text[], $6::text[], $7::boolean[], $8::boolean[])
                    AS c(id, locked_by, kind, retry_at, error, message, undispatch, remove)),
            removed AS (
                DELETE FROM {table} AS j USING c
                WHERE j.id = c.id AND c.remove AND c.kind = 'succeeded' AND j.status = 'running' AND j.locked_by = c.locked_by
                RETURNING j.id),
            written AS (
                UPDATE {table} AS j
                SET status = CASE c.kind WHEN 'retry' THEN 'queued' WHEN 'released' THEN 'queued' ELSE c.kind END,
                    progress = CASE WHEN c.kind = 'succeeded' THEN 100 ELSE j.progress END,
                    finished_at = CASE WHEN c.kind IN ('succeeded', 'failed', 'cancelled') THEN $9 ELSE j.finished_at END,
                    result_message = CASE WHEN c.kind = 'released' THEN j.result_message ELSE coalesce(c.message, j.result_message) END,
                    last_error = CASE c.kind WHEN 'failed' THEN c.error WHEN 'retry' THEN c.error
                                             WHEN 'cancelled' THEN coalesce(c.error, j.last_error) ELSE j.last_error END,
                    run_at = CASE c.kind WHEN 'retry' THEN c.retry_at WHEN 'released' THEN $9 ELSE j.run_at END,
                    attempts = CASE WHEN c.kind = 'released' THEN j.attempts - 1 ELSE j.attempts END,
                    locked_by = CASE WHEN c.kind IN ('retry', 'released') THEN NULL ELSE j.locked_by END,
                    locked_until = NULL,
                    dispatched_at = CASE WHEN c.kind IN ('retry', 'released') AND c.undispatch THEN NULL ELSE j.dispatched_at END,
                    updated_at = $9
                FROM c
                WHERE j.id = c.id AND NOT (c.remove AND c.kind = 'succeeded') AND j.status = 'running' AND j.locked_by = c.locked_by
                RETURNING j.id)
            SELECT id FROM removed UNION ALL SELECT id FROM written
            """;
    }

    public string Table { get; }
    /// <summary>
    /// The insert for one row (scalar parameters) or many (arrays), with or without unique keys (the holder read), with
    /// or without NOTIFY. Parameters as described in the constructor.
    /// </summary>
    public string Insert(bool single, bool keyed, bool notify) => _inserts[InsertIndex(single, keyed, notify)];
    public string ReleaseExpiredIdentities { get; }
    public string Get { get; }
    public string SelectAll { get; }
    public string GetMany { get; }
    public string MarkDispatched { get; }
    public string Claim { get; }
    public string ReportProgress { get; }
    public string ExtendLeases { get; }
    public string Cancel { get; }
    public string RescueExpiredLeases { get; }
    public string Sweep { get; }
    public string Prune { get; }
    public string QueueStats { get; }
    public string Complete { get; }
}
