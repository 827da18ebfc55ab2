namespace JobRunners.PostgreSql;

/// <summary>A <c>job_request</c> row as Npgsql returns it; the select list aliases columns to these names.</summary>
internal sealed class PostgreSqlJobRow
{
    public const string Columns = """
        id AS Id, job_type AS JobType, queue_name AS QueueName, payload::text AS Payload, status AS Status,
        progress AS Progress, result_message AS ResultMessage, last_error AS LastError, attempts AS Attempts,
        max_attempts AS MaxAttempts, priority AS Priority, run_at AS RunAt, unique_key AS UniqueKey,
        locks_queue AS LocksQueue, assigned AS Assigned, locked_by AS LockedBy, locked_until AS LockedUntil,
        runner AS Runner, dispatched_at AS DispatchedAt, created_at AS CreatedAt, updated_at AS UpdatedAt,
        started_at AS StartedAt, finished_at AS FinishedAt, trace_parent AS TraceParent, trace_state AS TraceState,
        retries AS Retries, unique_until AS UniqueUntil, unique_per_queue AS UniquePerQueue
        """;

    public long Id { get; set; }
    public string JobType { get; set; } = "";
    public string QueueName { get; set; } = "";
    public string Payload { get; set; } = "";
    public string Status { get; set; } = "";
    public int Progress { get; set; }
    public string? ResultMessage { get; set; }
    public string? LastError { get; set; }
    public int Attempts { get; set; }
    public int MaxAttempts { get; set; }
    public int Priority { get; set; }
    public DateTime RunAt { get; set; }
    public string? UniqueKey { get; set; }
    public bool LocksQueue { get; set; }
    public bool Assigned { get; set; }
    public string? LockedBy { get; set; }
    public DateTime? LockedUntil { get; set; }
    public string? Runner { get; set; }
    public DateTime? DispatchedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public string? TraceParent { get; set; }
    public string? TraceState { get; set; }
    public int Retries { get; set; }
    public DateTime? UniqueUntil { get; set; }
    public bool UniquePerQueue { get; set; }

    /// <summary>Set by the maintenance sweep only: true for a row it rescued, false for an undispatched one.</summary>
    public bool Rescued { get; set; }

    public JobRequest ToJobRequest() => new()
    {
        Id = Id,
        JobType = JobType,
        QueueName = QueueName,
        Payload = Payload,
        Status = JobStatusExtensions.ParseStatus(Status),
        Progress = Progress,
        ResultMessage = ResultMessage,
        LastError = LastError,
        Attempts = Attempts,
        MaxAttempts = MaxAttempts,
        Priority = Priority,
        RunAt = Utc(RunAt),
        UniqueKey = UniqueKey,
        LocksQueue = LocksQueue,
        Assigned = Assigned,
        LockedBy = LockedBy,
        LockedUntil = Utc(LockedUntil),
        Runner = Runner,
        DispatchedAt = Utc(DispatchedAt),
        CreatedAt = Utc(CreatedAt),
        UpdatedAt = Utc(UpdatedAt),
        StartedAt = Utc(StartedAt),
        FinishedAt = Utc(FinishedAt),
        TraceParent = TraceParent,
        TraceState = TraceState,
        Retries = Retries,
        UniqueUntil = Utc(UniqueUntil),
        UniquePerQueue = UniquePerQueue,
    };

    // Npgsql reads timestamptz as a UTC DateTime.
    internal static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private static DateTimeOffset? Utc(DateTime? value) => value is { } utc ? Utc(utc) : null;
}
