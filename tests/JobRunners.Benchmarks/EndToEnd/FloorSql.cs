namespace JobRunners.Benchmarks.EndToEnd;

/// <summary>
/// The physical floor's table and statements: the columns a tracked job needs (as job_request has them), one partial
/// index for the claim, and nothing else. Hand-written, prepared, batched.
/// </summary>
internal static class FloorSql
{
    public const string Table = "bench_floor.job";

    public const string Create = """
        CREATE SCHEMA IF NOT EXISTS bench_floor;
        DROP TABLE IF EXISTS bench_floor.job;
        CREATE TABLE bench_floor.job (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            job_type text NOT NULL,
            queue_name text NOT NULL,
            payload jsonb NOT NULL,
            status text NOT NULL,
            attempts integer NOT NULL DEFAULT 0,
            max_attempts integer NOT NULL,
            priority integer NOT NULL DEFAULT 0,
            run_at timestamptz NOT NULL,
            locked_by text,
            locked_until timestamptz,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            finished_at timestamptz);
        CREATE INDEX ix_floor_claim ON bench_floor.job (priority DESC, run_at, id) WHERE status = 'queued';
        """;

    public const string Insert = """
        INSERT INTO bench_floor.job (job_type, queue_name, payload, status, max_attempts, run_at, created_at, updated_at)
        VALUES ($1, $1, $2::jsonb, 'queued', 3, now(), now(), now())
        """;

    public const string Copy = """
        COPY bench_floor.job (job_type, queue_name, payload, status, max_attempts, run_at, created_at, updated_at) FROM STDIN (FORMAT BINARY)
        """;

    public const string Claim = """
        UPDATE bench_floor.job AS j
        SET status = 'running', attempts = j.attempts + 1, locked_by = $1, locked_until = now() + interval '30 seconds', updated_at = now()
        WHERE j.id IN (SELECT c.id FROM bench_floor.job AS c WHERE c.status = 'queued' AND c.run_at <= now()
                       ORDER BY c.priority DESC, c.run_at, c.id LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING j.id
        """;

    public const string Complete = """
        UPDATE bench_floor.job SET status = 'succeeded', finished_at = now(), locked_until = NULL, updated_at = now()
        WHERE id = ANY($1) AND locked_by = $2
        """;
}
