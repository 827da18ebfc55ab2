using JobRunners.Scheduling;

namespace JobRunners.Extensibility;

/// <summary>
/// A schedule to store with <see cref="IScheduleStore.UpsertAsync"/>: already validated, its payload serialized and
/// its first run computed.
/// </summary>
public sealed record ScheduleDefinition
{
    /// <summary>The schedule's identity.</summary>
    public required string Tag { get; init; }

    /// <summary>The registered job name each run dispatches.</summary>
    public required string JobType { get; init; }

    /// <summary>The validated payload as JSON.</summary>
    public required string Payload { get; init; }

    /// <summary>How run times are computed.</summary>
    public ScheduleKind Kind { get; init; }

    /// <summary>For <see cref="ScheduleKind.Interval"/>: the time between runs.</summary>
    public TimeSpan? Interval { get; init; }

    /// <summary>For <see cref="ScheduleKind.Cron"/>: the expression.</summary>
    public string? Cron { get; init; }

    /// <summary>For <see cref="ScheduleKind.Cron"/>: the time zone id.</summary>
    public string? TimeZone { get; init; }

    /// <summary>No run before this time.</summary>
    public DateTimeOffset? StartAt { get; init; }

    /// <summary>
    /// The first run under this timing. A stored schedule whose timing (kind, interval, cron, time zone, start)
    /// is unchanged keeps its own next run; otherwise, or when it had no next run, this one replaces it.
    /// </summary>
    public DateTimeOffset? NextRunAt { get; init; }

    /// <summary>Runs allowed in all; 0 for no limit.</summary>
    public int MaxExecutions { get; init; }

    /// <summary>A run waits until the previous run's job row is final.</summary>
    public bool NoOverlap { get; init; }

    /// <summary>Store the schedule paused. Applies only when it is created; an update keeps the stored state.</summary>
    public bool Paused { get; init; }

    /// <summary>The queue each run's job goes to.</summary>
    public string? QueueName { get; init; }

    /// <summary>Each run's job priority.</summary>
    public int Priority { get; init; }

    /// <summary>Each run's job attempts.</summary>
    public int? MaxAttempts { get; init; }
}
