namespace JobRunners.Scheduling;

/// <summary>
/// A stored recurring job: what to dispatch, when it runs next, and what happened at its last run. One row of the
/// <c>job_schedule</c> table, identified by its <see cref="Tag"/>.
/// </summary>
public sealed record JobSchedule
{
    /// <summary>The schedule's identity, chosen by its author (e.g. <c>nightly-report</c>).</summary>
    public required string Tag { get; init; }

    /// <summary>The registered job name each run dispatches.</summary>
    public required string JobType { get; init; }

    /// <summary>The validated payload as JSON, dispatched unchanged on every run.</summary>
    public required string Payload { get; init; }

    /// <summary>How run times are computed.</summary>
    public ScheduleKind Kind { get; init; }

    /// <summary>For <see cref="ScheduleKind.Interval"/>: the time between runs.</summary>
    public TimeSpan? Interval { get; init; }

    /// <summary>For <see cref="ScheduleKind.Cron"/>: the cron expression (5 fields, or 6 with seconds first).</summary>
    public string? Cron { get; init; }

    /// <summary>For <see cref="ScheduleKind.Cron"/>: the time zone id (IANA or Windows) the expression is read in.</summary>
    public string? TimeZone { get; init; }

    /// <summary>No run before this time; null to start from when the schedule was defined.</summary>
    public DateTimeOffset? StartAt { get; init; }

    /// <summary>When the next run is due (UTC); null once the schedule has no more runs.</summary>
    public DateTimeOffset? NextRunAt { get; init; }

    /// <summary>The due time of the last run claimed (UTC).</summary>
    public DateTimeOffset? LastRunAt { get; init; }

    /// <summary>
    /// A run claimed but not yet confirmed dispatched (UTC due time); the scheduler finishes it before anything
    /// else, so a leader that dies between claiming and dispatching loses nothing.
    /// </summary>
    public DateTimeOffset? PendingRunAt { get; init; }

    /// <summary>The job row the last run dispatched.</summary>
    public long? LastJobId { get; init; }

    /// <summary>Why the last run could not be dispatched, or null.</summary>
    public string? LastError { get; init; }

    /// <summary>Runs claimed so far.</summary>
    public int Executions { get; init; }

    /// <summary>Runs allowed in all; 0 for no limit.</summary>
    public int MaxExecutions { get; init; }

    /// <summary>When true a run waits until the job row of the previous run is final.</summary>
    public bool NoOverlap { get; init; }

    /// <summary>When true no run is dispatched until the schedule is resumed.</summary>
    public bool Paused { get; init; }

    /// <summary>The queue each run's job goes to; null for the job type's default.</summary>
    public string? QueueName { get; init; }

    /// <summary>Each run's job priority.</summary>
    public int Priority { get; init; }

    /// <summary>Each run's job attempts; null for the job type's retry policy.</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>When the schedule was first stored (UTC).</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the schedule last changed (UTC).</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>True when no further run will happen: the execution limit is reached, or the schedule has no next run.</summary>
    public bool IsCompleted => NextRunAt is null && PendingRunAt is null;
}
