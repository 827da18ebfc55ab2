using JobRunners.Scheduling;

namespace JobRunners.PostgreSql;

/// <summary>A <c>job_schedule</c> row as Npgsql returns it; the select list aliases columns to these names.</summary>
internal sealed class PostgreSqlScheduleRow
{
    public const string Columns = """
        tag AS Tag, job_type AS JobType, payload::text AS Payload, kind AS Kind, interval_ms AS IntervalMs, cron AS Cron,
        time_zone AS TimeZone, start_at AS StartAt, next_run_at AS NextRunAt, last_run_at AS LastRunAt,
        pending_run_at AS PendingRunAt, last_job_id AS LastJobId, last_error AS LastError, executions AS Executions,
        max_executions AS MaxExecutions, no_overlap AS NoOverlap, paused AS Paused, options::text AS Options,
        created_at AS CreatedAt, updated_at AS UpdatedAt
        """;

    public string Tag { get; set; } = "";
    public string JobType { get; set; } = "";
    public string Payload { get; set; } = "";
    public string Kind { get; set; } = "";
    public long? IntervalMs { get; set; }
    public string? Cron { get; set; }
    public string? TimeZone { get; set; }
    public DateTime? StartAt { get; set; }
    public DateTime? NextRunAt { get; set; }
    public DateTime? LastRunAt { get; set; }
    public DateTime? PendingRunAt { get; set; }
    public long? LastJobId { get; set; }
    public string? LastError { get; set; }
    public int Executions { get; set; }
    public int MaxExecutions { get; set; }
    public bool NoOverlap { get; set; }
    public bool Paused { get; set; }
    public string? Options { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>Only from the upsert: true when the row was inserted rather than updated.</summary>
    public bool Created { get; set; }

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
            StartAt = Utc(StartAt),
            NextRunAt = Utc(NextRunAt),
            LastRunAt = Utc(LastRunAt),
            PendingRunAt = Utc(PendingRunAt),
            LastJobId = LastJobId,
            LastError = LastError,
            Executions = Executions,
            MaxExecutions = MaxExecutions,
            NoOverlap = NoOverlap,
            Paused = Paused,
            QueueName = options.QueueName,
            Priority = options.Priority,
            MaxAttempts = options.MaxAttempts,
            CreatedAt = Utc(CreatedAt),
            UpdatedAt = Utc(UpdatedAt),
        };
    }

    // Npgsql reads timestamptz as a UTC DateTime.
    internal static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    internal static DateTimeOffset? Utc(DateTime? value) => value is { } utc ? Utc(utc) : null;
}
