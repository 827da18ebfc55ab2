namespace JobRunners.PostgreSql;

/// <summary>
/// The schema, as an ordered list of migrations; <c>{schema}</c> stands for the quoted schema name. Add a change as
/// a new entry with the next version; never edit an entry that has shipped. Every migration runs inside the one
/// transaction that holds the migration lock, so it must be transactional DDL.
/// </summary>
internal static class PostgreSqlMigrations
{
    public const string SchemaToken = "{schema}";

    public const string CreateMigrationsTable = """
        CREATE TABLE IF NOT EXISTS {schema}.schema_migrations (
            version integer PRIMARY KEY,
            description text NOT NULL,
            applied_at timestamptz NOT NULL
        );
        """;

    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "Create job_request", """
            CREATE TABLE {schema}.job_request (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                job_type text NOT NULL,
                queue_name text NOT NULL,
                payload jsonb NOT NULL,
                status text NOT NULL DEFAULT 'queued'
                    CONSTRAINT ck_job_request_status CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
                progress integer NOT NULL DEFAULT 0 CONSTRAINT ck_job_request_progress CHECK (progress BETWEEN 0 AND 100),
                result_message text,
                last_error text,
                attempts integer NOT NULL DEFAULT 0,
                max_attempts integer NOT NULL DEFAULT 1,
                priority integer NOT NULL DEFAULT 0,
                run_at timestamptz NOT NULL,
                unique_key text,
                locks_queue boolean NOT NULL DEFAULT false,
                assigned boolean NOT NULL DEFAULT false,
                locked_by text,
                locked_until timestamptz,
                runner text,
                dispatched_at timestamptz,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                started_at timestamptz,
                finished_at timestamptz
            );
            CREATE INDEX ix_job_request_claim ON {schema}.job_request (priority DESC, run_at, id) WHERE status = 'queued';
            CREATE INDEX ix_job_request_lease ON {schema}.job_request (locked_until) WHERE status = 'running';
            CREATE UNIQUE INDEX ux_job_request_unique_key ON {schema}.job_request (unique_key)
                WHERE unique_key IS NOT NULL AND status IN ('queued', 'running');
            CREATE INDEX ix_job_request_finished ON {schema}.job_request (finished_at) WHERE finished_at IS NOT NULL;
            CREATE INDEX ix_job_request_job_type ON {schema}.job_request (job_type, id);
            CREATE INDEX ix_job_request_queue_lock ON {schema}.job_request (queue_name) WHERE status = 'running' AND locks_queue;
            """),
        new(2, "Create job_schedule and scheduler_lease", """
            CREATE TABLE {schema}.job_schedule (
                tag text PRIMARY KEY,
                job_type text NOT NULL,
                payload jsonb NOT NULL,
                kind text NOT NULL CONSTRAINT ck_job_schedule_kind CHECK (kind IN ('interval', 'cron', 'code')),
                interval_ms bigint CONSTRAINT ck_job_schedule_interval CHECK (interval_ms IS NULL OR interval_ms > 0),
                cron text,
                time_zone text,
                start_at timestamptz,
                next_run_at timestamptz,
                last_run_at timestamptz,
                -- A run claimed but not yet confirmed dispatched: the next leader finishes it (exactly once).
                pending_run_at timestamptz,
                last_job_id bigint,
                last_error text,
                executions integer NOT NULL DEFAULT 0,
                max_executions integer NOT NULL DEFAULT 0 CONSTRAINT ck_job_schedule_max_executions CHECK (max_executions >= 0),
                no_overlap boolean NOT NULL DEFAULT false,
                paused boolean NOT NULL DEFAULT false,
                options jsonb NOT NULL DEFAULT '{}',
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL
            );
            CREATE INDEX ix_job_schedule_due ON {schema}.job_schedule (next_run_at) WHERE NOT paused AND next_run_at IS NOT NULL;
            CREATE INDEX ix_job_schedule_pending ON {schema}.job_schedule (pending_run_at) WHERE pending_run_at IS NOT NULL;
            -- One row per lease name: the process whose lease has not expired leads the recurring scheduler.
            CREATE TABLE {schema}.scheduler_lease (
                name text PRIMARY KEY,
                holder text NOT NULL,
                acquired_at timestamptz NOT NULL,
                expires_at timestamptz NOT NULL
            );
            """),
        new(3, "Claim rows in one statement: claim_jobs", """
            -- Claims due queued rows for one worker and returns them running: the one claim every worker uses.
            -- One call, one round trip; each query inside takes a fresh snapshot, which is what makes locks_queue
            -- exact against concurrent claimers:
            --   1. candidates in claim order, FOR UPDATE SKIP LOCKED (concurrent claimers take disjoint rows);
            --      queues a running locking job holds, and locking jobs whose queue has work running, are left out
            --      as this snapshot sees them;
            --   2. per queue among the candidates, a transaction-scoped advisory lock taken without waiting:
            --      exclusive when the queue's first candidate is a locking job (then only that job is taken),
            --      shared otherwise (then only its ordinary jobs); a queue whose lock another claimer holds is
            --      skipped this time;
            --   3. the UPDATE, whose fresh snapshot sees every claim committed before step 2, re-checks the
            --      queue rules and moves the rows to running.
            CREATE FUNCTION {schema}.claim_jobs(
                p_worker text, p_now timestamptz, p_locked_until timestamptz, p_limit integer, p_ids bigint[],
                p_ignore_run_at boolean, p_runner text, p_job_types text[], p_queues text[], p_lock_space text)
            RETURNS SETOF {schema}.job_request
            LANGUAGE plpgsql VOLATILE
            AS $fn$
            DECLARE
                v_candidates bigint[];
                v_claim bigint[];
            BEGIN
                IF p_ids IS NULL THEN
                    -- The queue checks sit in a CASE on purpose: as NOT EXISTS anti-joins the planner estimates from
                    -- the queue_name statistics that almost no row passes and prices the ordered index scan as a
                    -- full scan.
                    SELECT array_agg(picked.id ORDER BY picked.priority DESC, picked.run_at, picked.id) INTO v_candidates
                    FROM (SELECT c.id, c.priority, c.run_at FROM {schema}.job_request AS c
                          WHERE c.status = 'queued' AND c.run_at <= p_now
                            AND (p_runner IS NULL OR c.runner = p_runner)
                            AND (p_job_types IS NULL OR c.job_type = ANY(p_job_types))
                            AND (p_queues IS NULL OR c.queue_name = ANY(p_queues))
                            AND CASE
                                  WHEN EXISTS (SELECT 1 FROM {schema}.job_request AS r
                                               WHERE r.queue_name = c.queue_name AND r.status = 'running' AND r.locks_queue) THEN false
                                  WHEN c.locks_queue THEN NOT EXISTS (SELECT 1 FROM {schema}.job_request AS r
                                                                      WHERE r.queue_name = c.queue_name AND r.status = 'running')
                                  ELSE true
                                END
                          ORDER BY c.priority DESC, c.run_at, c.id
                          LIMIT p_limit
                          FOR UPDATE OF c SKIP LOCKED) AS picked;
                ELSE
                    SELECT array_agg(picked.id ORDER BY picked.priority DESC, picked.run_at, picked.id) INTO v_candidates
                    FROM (SELECT c.id, c.priority, c.run_at FROM {schema}.job_request AS c
                          WHERE c.id = ANY(p_ids) AND c.status = 'queued' AND (p_ignore_run_at OR c.run_at <= p_now)
                            AND (p_runner IS NULL OR c.runner = p_runner)
                            AND (p_job_types IS NULL OR c.job_type = ANY(p_job_types))
                            AND (p_queues IS NULL OR c.queue_name = ANY(p_queues))
                          ORDER BY c.priority DESC, c.run_at, c.id
                          LIMIT p_limit
                          FOR UPDATE OF c SKIP LOCKED) AS picked;
                END IF;

                IF v_candidates IS NULL THEN
                    RETURN;
                END IF;

                WITH cand AS (
                    SELECT j.id, j.queue_name, j.locks_queue, u.ord
                    FROM unnest(v_candidates) WITH ORDINALITY AS u(id, ord)
                    JOIN {schema}.job_request AS j ON j.id = u.id),
                first_in_queue AS (
                    SELECT DISTINCT ON (queue_name) queue_name, locks_queue AS exclusive, ord AS first_ord
                    FROM cand ORDER BY queue_name, ord),
                held AS MATERIALIZED (
                    SELECT queue_name, exclusive, first_ord FROM first_in_queue
                    WHERE CASE WHEN exclusive
                               THEN pg_try_advisory_xact_lock(hashtext(p_lock_space), hashtext(queue_name))
                               ELSE pg_try_advisory_xact_lock_shared(hashtext(p_lock_space), hashtext(queue_name)) END)
                SELECT array_agg(c.id ORDER BY c.ord) INTO v_claim
                FROM cand AS c JOIN held AS h ON h.queue_name = c.queue_name
                WHERE CASE WHEN h.exclusive THEN c.ord = h.first_ord ELSE NOT c.locks_queue END;

                IF v_claim IS NULL THEN
                    RETURN;
                END IF;

                RETURN QUERY
                UPDATE {schema}.job_request AS j
                SET status = 'running', assigned = true, locked_by = p_worker, locked_until = p_locked_until,
                    attempts = j.attempts + 1, started_at = p_now, updated_at = p_now
                WHERE j.id = ANY(v_claim)
                  AND NOT EXISTS (SELECT 1 FROM {schema}.job_request AS o
                                  WHERE o.queue_name = j.queue_name AND o.status = 'running' AND o.locks_queue)
                  AND (NOT j.locks_queue OR NOT EXISTS (SELECT 1 FROM {schema}.job_request AS o
                                                        WHERE o.queue_name = j.queue_name AND o.status = 'running'))
                RETURNING j.*;
            END
            $fn$;
            """),
    ];
}
