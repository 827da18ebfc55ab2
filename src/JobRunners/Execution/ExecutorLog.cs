using Microsoft.Extensions.Logging;

namespace JobRunners.Execution;

/// <summary>
/// The executor's log events, 1000-1099: attempts (1001-1019), deliveries (1021-1039), leases and outcome writes
/// (1041-1059). Ids and names are part of the contract operators filter and alert on: never reuse or renumber one;
/// docs/logging.md lists them.
/// </summary>
internal static partial class ExecutorLog
{
    [LoggerMessage(EventId = 1001, EventName = "AttemptSucceeded", Level = LogLevel.Debug,
        Message = "Job {JobId} ({JobType}) succeeded on attempt {Attempt}.")]
    public static partial void AttemptSucceeded(ILogger logger, long jobId, string jobType, int attempt);

    [LoggerMessage(EventId = 1002, EventName = "AttemptFailedRetrying", Level = LogLevel.Warning,
        Message = "Job {JobId} ({JobType}) failed attempt {Attempt} of {MaxAttempts}; retrying at {RetryAt:O}.")]
    public static partial void AttemptFailedRetrying(ILogger logger, Exception? error, long jobId, string jobType, int attempt, int maxAttempts, DateTimeOffset? retryAt);

    [LoggerMessage(EventId = 1003, EventName = "AttemptFailedFinally", Level = LogLevel.Error,
        Message = "Job {JobId} ({JobType}) failed on attempt {Attempt} of {MaxAttempts}; no attempts remain.")]
    public static partial void AttemptFailedFinally(ILogger logger, Exception? error, long jobId, string jobType, int attempt, int maxAttempts);

    [LoggerMessage(EventId = 1004, EventName = "AttemptEnded", Level = LogLevel.Information,
        Message = "Job {JobId} ({JobType}) ended attempt {Attempt} as {Outcome}.")]
    public static partial void AttemptEnded(ILogger logger, long jobId, string jobType, int attempt, JobOutcomeKind outcome);

    [LoggerMessage(EventId = 1005, EventName = "AttemptLostLease", Level = LogLevel.Warning,
        Message = "Job {JobId} ({JobType}) lost its lease during attempt {Attempt} and was interrupted: {Why}. Its result is not written.")]
    public static partial void AttemptLostLease(ILogger logger, Exception? error, long jobId, string jobType, int attempt, string why);

    [LoggerMessage(EventId = 1006, EventName = "AttemptResultRefused", Level = LogLevel.Warning,
        Message = "Job {JobId} ({JobType}) ended attempt {Attempt} as {Outcome}, but the store refused that result because the row no longer belongs to this worker ({WorkerId}): {Why}. The result is not written.")]
    public static partial void AttemptResultRefused(ILogger logger, long jobId, string jobType, int attempt, JobOutcomeKind outcome, string workerId, string why);

    [LoggerMessage(EventId = 1007, EventName = "HookFailed", Level = LogLevel.Error,
        Message = "The {Hook} hook of job type {JobType} threw for job {JobId}; ignoring it.")]
    public static partial void HookFailed(ILogger logger, Exception error, string hook, string jobType, long jobId);

    [LoggerMessage(EventId = 1008, EventName = "AttemptFailedNotRetried", Level = LogLevel.Error,
        Message = "Job {JobId} ({JobType}) failed on attempt {Attempt} of {MaxAttempts} and is not retried: its payload cannot run, or its OnError hook gave up.")]
    public static partial void AttemptFailedNotRetried(ILogger logger, Exception? error, long jobId, string jobType, int attempt, int maxAttempts);

    [LoggerMessage(EventId = 1021, EventName = "MessageNotAnEnvelope", Level = LogLevel.Error,
        Message = "A message is not a job envelope and can never run: {Reason}")]
    public static partial void MessageNotAnEnvelope(ILogger logger, string reason);

    [LoggerMessage(EventId = 1022, EventName = "TaskMessageCannotRun", Level = LogLevel.Error,
        Message = "Task message '{Task}' can never run here: {Reason}")]
    public static partial void TaskMessageCannotRun(ILogger logger, string task, string reason);

    [LoggerMessage(EventId = 1023, EventName = "TaskMessageFailed", Level = LogLevel.Error,
        Message = "Task '{Task}' failed; the queue delivers it again until its maximum receive count.")]
    public static partial void TaskMessageFailed(ILogger logger, Exception error, string task);

    [LoggerMessage(EventId = 1024, EventName = "DeliveredJobMissing", Level = LogLevel.Warning,
        Message = "Job {JobId} was delivered, but the {Store} store has no such row: it was pruned, or the message came from a deployment using another store (check the store settings). The message is parked, not acknowledged.")]
    public static partial void DeliveredJobMissing(ILogger logger, long jobId, string store);

    [LoggerMessage(EventId = 1025, EventName = "JobTypeNotServed", Level = LogLevel.Warning,
        Message = "Job {JobId} is of type {JobType}, which this process does not register; it is left queued for a worker that does, and its message is offered again later with a growing delay. Further jobs of this type are logged at debug level.")]
    public static partial void JobTypeNotServed(ILogger logger, long jobId, string jobType);

    [LoggerMessage(EventId = 1026, EventName = "JobTypeNotServedAgain", Level = LogLevel.Debug,
        Message = "Job {JobId} is of type {JobType}, which this process does not register; left queued.")]
    public static partial void JobTypeNotServedAgain(ILogger logger, long jobId, string jobType);

    [LoggerMessage(EventId = 1041, EventName = "LeaseExtensionFailed", Level = LogLevel.Warning,
        Message = "Could not extend the leases of {Count} running job(s); if the store stays unreachable they lapse and the jobs are rescued.")]
    public static partial void LeaseExtensionFailed(ILogger logger, Exception error, int count);

    [LoggerMessage(EventId = 1042, EventName = "OutcomeWriteFailed", Level = LogLevel.Warning,
        Message = "Could not write the outcomes of {Count} job(s); trying again in {Delay}.")]
    public static partial void OutcomeWriteFailed(ILogger logger, Exception error, int count, TimeSpan delay);
}
