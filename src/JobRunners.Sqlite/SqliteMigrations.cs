namespace JobRunners.Sqlite;

/// <summary>
/// The schema, as an ordered list of migrations. Add a change as a new entry with the next version; never edit an
/// entry that has shipped. Timestamps are INTEGER unix milliseconds (UTC), booleans INTEGER 0/1.
/// </summary>
internal static class SqliteMigrations
{
    public const string CreateMigrationsTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            description TEXT NOT NULL,
            applied_at INTEGER NOT NULL
        );
        """;

    /// <summary>The newest version this code knows; a file recorded past it was migrated by newer code.</summary>
    public static int Latest => All.Max(m => m.Version);

    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "Create job_request", """
            CREATE TABLE job_request (
                -- AUTOINCREMENT: an id is never reused after pruning, so a stale queue message cannot hit a new row.
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                job_type TEXT NOT NULL,
                queue_name TEXT NOT NULL,
                payload TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
                progress INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
                result_message TEXT,
                last_error TEXT,
                attempts INTEGER NOT NULL DEFAULT 0,
                max_attempts INTEGER NOT NULL DEFAULT 1,
                priority INTEGER NOT NULL DEFAULT 0,
                run_at INTEGER NOT NULL,
                unique_key TEXT,
                locks_queue INTEGER NOT NULL DEFAULT 0 CHECK (locks_queue IN (0, 1)),
                assigned INTEGER NOT NULL DEFAULT 0 CHECK (assigned IN (0, 1)),
                locked_by TEXT,
                locked_until INTEGER,
                runner TEXT,
                dispatched_at INTEGER,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                started_at INTEGER,
                finished_at INTEGER
            );
            CREATE INDEX ix_job_request_claim ON job_request (priority DESC, run_at, id) WHERE status = 'queued';
            CREATE INDEX ix_job_request_lease ON job_request (locked_until) WHERE status = 'running';
            CREATE UNIQUE INDEX ux_job_request_unique_key ON job_request (unique_key)
                WHERE unique_key IS NOT NULL AND status IN ('queued', 'running');
            CREATE INDEX ix_job_request_finished ON job_request (finished_at) WHERE finished_at IS NOT NULL;
            CREATE INDEX ix_job_request_job_type ON job_request (job_type, id);
            CREATE INDEX ix_job_request_queue_lock ON job_request (queue_name) WHERE status = 'running' AND locks_queue = 1;
            """),
        new(2, "Create job_schedule and scheduler_lease", """
            CREATE TABLE job_schedule (
                tag TEXT PRIMARY KEY,
                job_type TEXT NOT NULL,
                payload TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('interval', 'cron', 'code')),
                interval_ms INTEGER CHECK (interval_ms IS NULL OR interval_ms > 0),
                cron TEXT,
                time_zone TEXT,
                start_at INTEGER,
                next_run_at INTEGER,
                last_run_at INTEGER,
                -- A run claimed but not yet confirmed dispatched: the next leader finishes it (exactly once).
                pending_run_at INTEGER,
                last_job_id INTEGER,
                last_error TEXT,
                executions INTEGER NOT NULL DEFAULT 0,
                max_executions INTEGER NOT NULL DEFAULT 0 CHECK (max_executions >= 0),
                no_overlap INTEGER NOT NULL DEFAULT 0 CHECK (no_overlap IN (0, 1)),
                paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
                options TEXT NOT NULL DEFAULT '{}',
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE INDEX ix_job_schedule_due ON job_schedule (next_run_at) WHERE paused = 0 AND next_run_at IS NOT NULL;
            CREATE INDEX ix_job_schedule_pending ON job_schedule (pending_run_at) WHERE pending_run_at IS NOT NULL;
            -- One row per lease name: the process whose lease has not expired leads the recurring scheduler.
            CREATE TABLE scheduler_lease (
                name TEXT PRIMARY KEY,
                holder TEXT NOT NULL,
                acquired_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL
            );
            """),

        // A unique key dedupes within its job type: the same key on another type is another job. Version 4 in both
        // stores (PostgreSQL's 3 has no SQLite counterpart).
        new(4, "Unique keys per job type", """
            DROP INDEX IF EXISTS ux_job_request_unique_key;
            CREATE UNIQUE INDEX ux_job_request_type_unique_key ON job_request (job_type, unique_key)
                WHERE unique_key IS NOT NULL AND status IN ('queued', 'running');
            """),

        // The trace that dispatched a job, continued by each attempt; existing rows keep null (no trace). Version 6 in
        // both stores (PostgreSQL's 5 has no SQLite counterpart). The migration runs once, in the transaction that
        // records it, so the columns are never added twice.
        new(6, "Trace context on job_request", """
            ALTER TABLE job_request ADD COLUMN trace_parent TEXT;
            ALTER TABLE job_request ADD COLUMN trace_state TEXT;
            """),

        // Operating jobs: how often an operator retried a row, and the indexes an operator's pages and counts need:
        // a status filter's keyset pages, a type and status filter's pages and the counts by type and status, a
        // creation-time filter. Version 7 in both stores.
        new(7, "Operator retries and monitoring indexes", """
            ALTER TABLE job_request ADD COLUMN retries INTEGER NOT NULL DEFAULT 0;
            CREATE INDEX ix_job_request_status_id ON job_request (status, id);
            CREATE INDEX ix_job_request_type_status_id ON job_request (job_type, status, id);
            CREATE INDEX ix_job_request_created ON job_request (created_at);
            """),

        // Deduplication over a chosen window: a row holds its identity (job type, unique key and, per queue, its
        // queue) while unfinished, and after that while unique_held (until unique_until, in milliseconds; the
        // largest time for ever). One unique index decides every scope; it replaces version 4's. Version 8 in both stores.
        new(8, "Deduplication scopes: unique_until, unique_held, unique_per_queue", """
            ALTER TABLE job_request ADD COLUMN unique_until INTEGER;
            ALTER TABLE job_request ADD COLUMN unique_held INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE job_request ADD COLUMN unique_per_queue INTEGER NOT NULL DEFAULT 0;
            CREATE UNIQUE INDEX ux_job_request_identity
                ON job_request (job_type, unique_key, (CASE WHEN unique_per_queue THEN queue_name ELSE '' END))
                WHERE unique_key IS NOT NULL AND (status IN ('queued', 'running') OR unique_held);
            DROP INDEX IF EXISTS ux_job_request_type_unique_key;
            """),
    ];
}
