using Microsoft.Extensions.Logging;

namespace JobRunners.Scheduling;

/// <summary>
/// Recurring-job log events, 4000-4099: the scheduler and its leadership (4001-4019), schedules defined in code
/// (4021-4039), dispatching runs (4041-4059). Ids and names are stable; docs/logging.md lists them.
/// </summary>
internal static partial class SchedulingLog
{
    [LoggerMessage(EventId = 4001, EventName = "SchedulerReleasedLeadership", Level = LogLevel.Information,
        Message = "Recurring scheduler {Holder} released leadership on shutdown.")]
    public static partial void ReleasedLeadership(ILogger logger, string holder);

    [LoggerMessage(EventId = 4002, EventName = "SchedulerLeaseReleaseFailed", Level = LogLevel.Warning,
        Message = "Recurring scheduler {Holder} could not release its lease; another process takes over when it expires.")]
    public static partial void LeaseReleaseFailed(ILogger logger, Exception error, string holder);

    [LoggerMessage(EventId = 4003, EventName = "SchedulerDisabled", Level = LogLevel.Information,
        Message = "Recurring scheduler disabled in this process ({Section}:Enabled=false).")]
    public static partial void Disabled(ILogger logger, string section);

    [LoggerMessage(EventId = 4004, EventName = "SchedulerIdle", Level = LogLevel.Information,
        Message = "Recurring scheduler idle: the job store was set with UseStore and no schedule store was given (UseScheduleStore).")]
    public static partial void IdleWithoutScheduleStore(ILogger logger);

    [LoggerMessage(EventId = 4005, EventName = "SchedulerRoundFailed", Level = LogLevel.Error,
        Message = "Recurring scheduler round failed; trying again in {Interval}.")]
    public static partial void RoundFailed(ILogger logger, Exception error, TimeSpan interval);

    [LoggerMessage(EventId = 4006, EventName = "SchedulerTookLeadership", Level = LogLevel.Information,
        Message = "Recurring scheduler {Holder} took leadership.")]
    public static partial void TookLeadership(ILogger logger, string holder);

    [LoggerMessage(EventId = 4007, EventName = "SchedulerLostLeadership", Level = LogLevel.Information,
        Message = "Recurring scheduler {Holder} lost leadership.")]
    public static partial void LostLeadership(ILogger logger, string holder);

    [LoggerMessage(EventId = 4021, EventName = "RecurringJobStored", Level = LogLevel.Debug,
        Message = "Recurring job {Tag} {Action}: next run {NextRunAt:O}.")]
    public static partial void RecurringJobStored(ILogger logger, string tag, string action, DateTimeOffset? nextRunAt);

    [LoggerMessage(EventId = 4022, EventName = "RecurringJobsStored", Level = LogLevel.Information,
        Message = "Stored {Count} recurring job(s) defined in code: {Tags}.")]
    public static partial void RecurringJobsStored(ILogger logger, int count, string tags);

    [LoggerMessage(EventId = 4041, EventName = "ScheduledJobTypeNotServed", Level = LogLevel.Warning,
        Message = "Recurring job {Tag} dispatches job type {JobType}, which this process does not register; its runs wait until a process that registers it leads the scheduler.")]
    public static partial void JobTypeNotServed(ILogger logger, string tag, string jobType);

    [LoggerMessage(EventId = 4042, EventName = "NextRunNotComputable", Level = LogLevel.Error,
        Message = "Recurring job {Tag}: the run due at {DueAt:O} waits, because its next run cannot be computed.")]
    public static partial void NextRunNotComputable(ILogger logger, Exception error, string tag, DateTimeOffset dueAt);

    [LoggerMessage(EventId = 4043, EventName = "MissedRunsSkipped", Level = LogLevel.Information,
        Message = "Recurring job {Tag} was due at {DueAt:O}, before the catch-up window{NoOverlap}: this run stands for the runs due from {Skipped:O} until {NextRunAt:O}, which are skipped.")]
    public static partial void MissedRunsSkipped(ILogger logger, string tag, DateTimeOffset dueAt, string noOverlap, DateTimeOffset skipped, DateTimeOffset? nextRunAt);

    [LoggerMessage(EventId = 4044, EventName = "PendingRunConfirmed", Level = LogLevel.Information,
        Message = "Recurring job {Tag}: confirmed the run due at {DueAt:O}, already dispatched as job {JobId}.")]
    public static partial void PendingRunConfirmed(ILogger logger, string tag, DateTimeOffset dueAt, long jobId);

    [LoggerMessage(EventId = 4045, EventName = "PendingRunDispatchedAgain", Level = LogLevel.Warning,
        Message = "Recurring job {Tag}: the run due at {DueAt:O} was claimed but not dispatched (its scheduler stopped); dispatching it now.")]
    public static partial void PendingRunDispatchedAgain(ILogger logger, string tag, DateTimeOffset dueAt);

    [LoggerMessage(EventId = 4046, EventName = "RunDispatched", Level = LogLevel.Debug,
        Message = "Recurring job {Tag}: dispatched the run due at {DueAt:O} as job {JobId}.")]
    public static partial void RunDispatched(ILogger logger, string tag, DateTimeOffset dueAt, long jobId);

    [LoggerMessage(EventId = 4047, EventName = "RunNotYetAccepted", Level = LogLevel.Warning,
        Message = "Recurring job {Tag}: job {JobId} was written but not yet accepted by the runner; the outbox re-sends it.")]
    public static partial void RunNotYetAccepted(ILogger logger, Exception error, string tag, long jobId);

    [LoggerMessage(EventId = 4048, EventName = "RunNotDispatchable", Level = LogLevel.Error,
        Message = "Recurring job {Tag}: the run due at {DueAt:O} cannot be dispatched; update the schedule.")]
    public static partial void RunNotDispatchable(ILogger logger, Exception error, string tag, DateTimeOffset dueAt);

    [LoggerMessage(EventId = 4049, EventName = "ScheduleTriggered", Level = LogLevel.Information,
        Message = "Schedule {Tag} was triggered by an operator: job {JobId} dispatched now; its next run is unchanged.")]
    public static partial void Triggered(ILogger logger, string tag, long jobId);
}
