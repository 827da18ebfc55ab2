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

    /// <summary>The newest version this code knows; a schema recorded past it was migrated by newer code.</summary>
    public static int Latest => All.Max(m => m.Version);

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
        new(3, "Claim rows in one statement: claim_jobs", PostgreSqlClaimFunction.Create),

        // A unique key dedupes within its job type: the same key on another type is another job.
        new(4, "Unique keys per job type", """
            DROP INDEX IF EXISTS {schema}.ux_job_request_unique_key;
            CREATE UNIQUE INDEX ux_job_request_type_unique_key ON {schema}.job_request (job_type, unique_key)
                WHERE unique_key IS NOT NULL AND status IN ('queued', 'running');
            """),

        // The leader's session: when it ends (the process died), another scheduler takes the lease at once.
        new(5, "Scheduler lease records the leader's session", """
            ALTER TABLE {schema}.scheduler_lease ADD COLUMN holder_pid integer;
            """),

        // The trace that dispatched a job, continued by each attempt. Nullable columns without a default: existing
        // rows keep null (no trace) and the table is not rewritten.
        new(6, "Trace context on job_request", """
            ALTER TABLE {schema}.job_request ADD COLUMN IF NOT EXISTS trace_parent text, ADD COLUMN IF NOT EXISTS trace_state text;
            """),

        // Operating jobs: how often an operator retried a row (a constant default: the table is not rewritten), and
        // the indexes an operator's pages and counts need on a large table: a status filter's keyset pages, a type
        // and status filter's pages and the counts by type and status (index-only), a creation-time filter.
        new(7, "Operator retries and monitoring indexes", """
            ALTER TABLE {schema}.job_request ADD COLUMN IF NOT EXISTS retries integer NOT NULL DEFAULT 0;
            CREATE INDEX IF NOT EXISTS ix_job_request_status_id ON {schema}.job_request (status, id);
            CREATE INDEX IF NOT EXISTS ix_job_request_type_status_id ON {schema}.job_request (job_type, status, id);
            CREATE INDEX IF NOT EXISTS ix_job_request_created ON {schema}.job_request (created_at);
            """),

        // Deduplication over a chosen window: a row holds its identity (job type, unique key and, per queue, its
        // queue) while unfinished, and after that while unique_held (until unique_until; 'infinity' for ever). One
        // unique index decides every scope; it replaces version 4's, which held unfinished rows only. Constant
        // defaults and a nullable column: the table is not rewritten. Existing rows keep their behaviour.
        new(8, "Deduplication scopes: unique_until, unique_held, unique_per_queue", """
            ALTER TABLE {schema}.job_request
                ADD COLUMN IF NOT EXISTS unique_until timestamptz,
                ADD COLUMN IF NOT EXISTS unique_held boolean NOT NULL DEFAULT false,
                ADD COLUMN IF NOT EXISTS unique_per_queue boolean NOT NULL DEFAULT false;
            CREATE UNIQUE INDEX IF NOT EXISTS ux_job_request_identity
                ON {schema}.job_request (job_type, unique_key, (CASE WHEN unique_per_queue THEN queue_name ELSE '' END))
                WHERE unique_key IS NOT NULL AND (status IN ('queued', 'running') OR unique_held);
            DROP INDEX IF EXISTS {schema}.ux_job_request_type_unique_key;
            """),
    ];
}
