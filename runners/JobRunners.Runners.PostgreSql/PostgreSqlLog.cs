using Microsoft.Extensions.Logging;

namespace JobRunners.Runners.PostgreSql;

/// <summary>
/// The postgres runner's log events, 6300-6399. Ids and names are stable; docs/logging.md lists them.
/// </summary>
internal static partial class PostgreSqlLog
{
    [LoggerMessage(EventId = 6301, EventName = "PostgreSqlWorkerStarted", Level = LogLevel.Information,
        Message = "PostgreSQL worker {WorkerId} started: concurrency {Concurrency}, {Wakeup}, {Count} job type(s) and task(s){Queues}.")]
    public static partial void WorkerStarted(ILogger logger, string workerId, int concurrency, string wakeup, int count, string queues);

    [LoggerMessage(EventId = 6302, EventName = "PostgreSqlShutdownTimedOut", Level = LogLevel.Warning,
        Message = "Running work did not finish within {Timeout}; interrupting it. Interrupted jobs and tasks go back to queued.")]
    public static partial void ShutdownTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 6303, EventName = "PostgreSqlNextDueUnreadable", Level = LogLevel.Debug,
        Message = "Could not read when the next delayed job comes due; the poll finds it.")]
    public static partial void NextDueUnreadable(ILogger logger, Exception error);

    [LoggerMessage(EventId = 6304, EventName = "PostgreSqlClaimFailed", Level = LogLevel.Error,
        Message = "Could not claim jobs from PostgreSQL; trying again in {Delay}.")]
    public static partial void ClaimFailed(ILogger logger, Exception error, TimeSpan delay);

    [LoggerMessage(EventId = 6305, EventName = "PostgreSqlNotifyFailed", Level = LogLevel.Warning,
        Message = "Could not notify workers of {Count} new job(s); they are queued and run after the next poll ({PollInterval}).")]
    public static partial void NotifyFailed(ILogger logger, Exception error, int count, TimeSpan pollInterval);

    [LoggerMessage(EventId = 6306, EventName = "PostgreSqlListenConnectionLost", Level = LogLevel.Warning,
        Message = "Lost the LISTEN connection on channel {Channel}; reconnecting in {Delay} (workers poll every {PollInterval} meanwhile).")]
    public static partial void ListenConnectionLost(ILogger logger, Exception error, string channel, TimeSpan delay, TimeSpan pollInterval);

    [LoggerMessage(EventId = 6307, EventName = "PostgreSqlOutcomeNotRecorded", Level = LogLevel.Error,
        Message = "The outcome of job {JobId} ({JobType}) could not be recorded; its lease lapses and it is rescued.")]
    public static partial void OutcomeNotRecorded(ILogger logger, Exception error, long jobId, string jobType);

    [LoggerMessage(EventId = 6308, EventName = "PostgreSqlFreedQueueNotAnnounced", Level = LogLevel.Debug,
        Message = "Could not announce that queue {Queue} is free; workers find its jobs at their next poll.")]
    public static partial void FreedQueueNotAnnounced(ILogger logger, Exception error, string queue);
}
