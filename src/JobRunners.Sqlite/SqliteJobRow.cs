namespace JobRunners.Sqlite;

/// <summary>A <c>job_request</c> row as SQLite returns it; the select list aliases columns to these names.</summary>
internal sealed class SqliteJobRow
{
    public const string Columns = """
        id AS Id, job_type AS JobType, queue_name AS QueueName, payload AS Payload, status AS Status,
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
    public long Progress { get; set; }
    public string? ResultMessage { get; set; }
    public string? LastError { get; set; }
    public long Attempts { get; set; }
    public long MaxAttempts { get; set; }
    public long Priority { get; set; }
    public long RunAt { get; set; }
    public string? UniqueKey { get; set; }
    public long LocksQueue { get; set; }
    public long Assigned { get; set; }
    public string? LockedBy { get; set; }
    public long? LockedUntil { get; set; }
    public string? Runner { get; set; }
    public long? DispatchedAt { get; set; }
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    public long? StartedAt { get; set; }
    public long? FinishedAt { get; set; }
    public string? TraceParent { get; set; }
    public string? TraceState { get; set; }
    public long Retries { get; set; }
    public long? UniqueUntil { get; set; }
    public long UniquePerQueue { get; set; }

    public JobRequest ToJobRequest() => new()
    {
        Id = Id,
        JobType = JobType,
        QueueName = QueueName,
        Payload = Payload,
        Status = JobStatusExtensions.ParseStatus(Status),
        Progress = (int)Progress,
        ResultMessage = ResultMessage,
        LastError = LastError,
        Attempts = (int)Attempts,
        MaxAttempts = (int)MaxAttempts,
        Priority = (int)Priority,
        RunAt = UnixTime.FromMilliseconds(RunAt),
        UniqueKey = UniqueKey,
        LocksQueue = LocksQueue != 0,
        Assigned = Assigned != 0,
        LockedBy = LockedBy,
        LockedUntil = UnixTime.FromMilliseconds(LockedUntil),
        Runner = Runner,
        DispatchedAt = UnixTime.FromMilliseconds(DispatchedAt),
        CreatedAt = UnixTime.FromMilliseconds(CreatedAt),
        UpdatedAt = UnixTime.FromMilliseconds(UpdatedAt),
        StartedAt = UnixTime.FromMilliseconds(StartedAt),
        FinishedAt = UnixTime.FromMilliseconds(FinishedAt),
        TraceParent = TraceParent,
        TraceState = TraceState,
        Retries = (int)Retries,
        UniqueUntil = UniqueUntil >= SqliteSql.ForeverMilliseconds ? DateTimeOffset.MaxValue : UnixTime.FromMilliseconds(UniqueUntil),
        UniquePerQueue = UniquePerQueue != 0,
    };
}
