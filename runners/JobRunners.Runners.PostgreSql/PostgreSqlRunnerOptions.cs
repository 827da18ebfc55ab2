namespace JobRunners.Runners.PostgreSql;

/// <summary>
/// Settings of the PostgreSQL runner and its workers, bound from <c>JobRunners:PostgreSql</c> (the section that
/// also holds the store's <c>Schema</c>). Each setting also has a flat environment-style name, listed on the
/// property, that wins over the hierarchical one. The connection string is the store's:
/// <c>ConnectionStrings:JobRunners</c>.
/// </summary>
public sealed class PostgreSqlRunnerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "JobRunners:PostgreSql";

    /// <summary>Jobs and tasks run at once by this process (default: twice the processor count). Flat name <c>JOBRUNNERS_POSTGRES_CONCURRENCY</c>.</summary>
    public int Concurrency { get; set; } = Environment.ProcessorCount * 2;

    /// <summary>
    /// How often an idle worker looks for due rows while it has no LISTEN connection (default 1 s): with
    /// <see cref="Listen"/> off, or while the connection is being re-established. Flat name
    /// <c>JOBRUNNERS_POSTGRES_POLL_INTERVAL</c>.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often an idle worker looks for due rows while LISTEN is up (default 30 s). Notifications wake it for new
    /// rows, freed queues and delays coming due; this poll only catches rows written without one (say by hand), so an
    /// idle worker stays nearly silent. Flat name <c>JOBRUNNERS_POSTGRES_LISTEN_POLL_INTERVAL</c>.
    /// </summary>
    public TimeSpan ListenPollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most rows one claim takes (default 100; never more than the free slots, so by default a claim fills every
    /// free slot). Flat name <c>JOBRUNNERS_POSTGRES_BATCH_SIZE</c>.
    /// </summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// Only these job types and task names run on this process's worker: a specialised worker. Empty (the default)
    /// means every job and task registered in this process. Flat name <c>JOBRUNNERS_POSTGRES_JOB_TYPES</c>
    /// (comma-separated).
    /// </summary>
    public IList<string> JobTypes { get; } = new List<string>();

    /// <summary>
    /// Only jobs of these queue names run on this process's worker. Empty (the default) means any queue. Tasks have
    /// no queue, so a worker with a queue filter runs no tasks. Flat name <c>JOBRUNNERS_POSTGRES_QUEUES</c>
    /// (comma-separated).
    /// </summary>
    public IList<string> Queues { get; } = new List<string>();

    /// <summary>
    /// The lease a worker takes on a claimed row; heartbeats extend it and a lapsed lease is rescued by
    /// maintenance. Null (the default) keeps <c>JobRunners:Lease</c> (30 s); when set it becomes this process's
    /// <c>JobRunners:Lease</c>. Flat name <c>JOBRUNNERS_POSTGRES_LEASE</c>.
    /// </summary>
    public TimeSpan? Lease { get; set; }

    /// <summary>
    /// Wake idle workers with LISTEN/NOTIFY (default true). Turn off behind a pooler that cannot hold a session
    /// (PgBouncer in transaction mode); workers then find work by polling. Flat name <c>JOBRUNNERS_POSTGRES_LISTEN</c>.
    /// </summary>
    public bool Listen { get; set; } = true;

    /// <summary>
    /// The NOTIFY channel; default <c>jobrunners_&lt;schema&gt;</c>, so schemas sharing a database do not wake each
    /// other. Letters, digits and underscores, at most 63. Flat name <c>JOBRUNNERS_POSTGRES_CHANNEL</c>.
    /// </summary>
    public string? Channel { get; set; }

    /// <summary>
    /// How long shutdown waits for running work before interrupting it (default 30 s); interrupted jobs and tasks
    /// go back to queued without counting the attempt. Flat name <c>JOBRUNNERS_POSTGRES_SHUTDOWN_TIMEOUT</c>.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Problems found while reading flat settings, reported with the others by the configuration check.</summary>
    internal List<MissingSetting> ReadProblems { get; } = [];
}
