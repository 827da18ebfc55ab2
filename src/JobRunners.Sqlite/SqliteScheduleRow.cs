using JobRunners.Scheduling;

namespace JobRunners.Sqlite;

/// <summary>A <c>job_schedule</c> row as SQLite returns it; the select list aliases columns to these names.</summary>
internal sealed class SqliteScheduleRow
{
    public const string Columns = """
        tag AS Tag, job_type AS JobType, payload AS Payload, kind AS Kind, interval_ms AS IntervalMs, cron AS Cron,
        time_zone AS TimeZone, start_at AS StartAt, next_run_at AS NextRunAt, last_run_at AS LastRunAt,
        pending_run_at AS PendingRunAt, last_job_id AS LastJobId, last_error AS LastError, executions AS Executions,
        max_executions AS MaxExecutions, no_overlap AS NoOverlap, paused AS Paused, options AS Options,
        created_at AS CreatedAt, updated_at AS UpdatedAt
        """;

    public string Tag { get; set; } = "";
    public string JobType { get; set; } = "";
    public string Payload { get; set; } = "";
    public string Kind { get; set; } = "";
    public long? IntervalMs { get; set; }
    public string? Cron { get; set; }
    public string? TimeZone { get; set; }
    public long? StartAt { get; set; }
    public long? NextRunAt { get; set; }
    public long? LastRunAt { get; set; }
    public long? PendingRunAt { get; set; }
    public long? LastJobId { get; set; }
    public string? LastError { get; set; }
    public long Executions { get; set; }
    public long MaxExecutions { get; set; }
    public long NoOverlap { get; set; }
    public long Paused { get; set; }
    public string? Options { get; set; }
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }

    public JobSchedule ToJobSchedule()
    {
        var options = ScheduleOptionsJson.Parse(Options);
        return new JobSchedule
        {
            Tag = Tag,
            JobType = JobType,
            Payload = Payload,
            Kind = ScheduleKindExtensions.ParseScheduleKind(Kind),
            Interval = IntervalMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
            Cron = Cron,
            TimeZone = TimeZone,
            StartAt = UnixTime.FromMilliseconds(StartAt),
            NextRunAt = UnixTime.FromMilliseconds(NextRunAt),
            LastRunAt = UnixTime.FromMilliseconds(LastRunAt),
            PendingRunAt = UnixTime.FromMilliseconds(PendingRunAt),
            LastJobId = LastJobId,
            LastError = LastError,
            Executions = (int)Executions,
            MaxExecutions = (int)MaxExecutions,
            NoOverlap = NoOverlap != 0,
            Paused = Paused != 0,
            QueueName = options.QueueName,
            Priority = options.Priority,
            MaxAttempts = options.MaxAttempts,
            CreatedAt = UnixTime.FromMilliseconds(CreatedAt),
            UpdatedAt = UnixTime.FromMilliseconds(UpdatedAt),
        };
    }
}
