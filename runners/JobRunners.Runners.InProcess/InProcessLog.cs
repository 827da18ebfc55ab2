using Microsoft.Extensions.Logging;

namespace JobRunners.Runners.InProcess;

/// <summary>
/// The in-process runner's log events, 6400-6499. Ids and names are stable; docs/logging.md lists them.
/// </summary>
internal static partial class InProcessLog
{
    [LoggerMessage(EventId = 6401, EventName = "InProcessRunnerStarted", Level = LogLevel.Information,
        Message = "In-process runner started with {Workers} workers and room for {Capacity} items.")]
    public static partial void Started(ILogger logger, int workers, int capacity);

    [LoggerMessage(EventId = 6402, EventName = "InProcessShutdownTimedOut", Level = LogLevel.Warning,
        Message = "In-process work did not finish within {Timeout}; interrupting it. Interrupted jobs stay queued and run after the next start.")]
    public static partial void ShutdownTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 6403, EventName = "InProcessTasksDropped", Level = LogLevel.Warning,
        Message = "{Count} task(s) were still waiting when the in-process runner stopped and did not run (tasks are not tracked; use jobs for work that must survive a restart).")]
    public static partial void TasksDropped(ILogger logger, int count);

    [LoggerMessage(EventId = 6404, EventName = "InProcessTaskFailed", Level = LogLevel.Error,
        Message = "Task '{Task}' failed.")]
    public static partial void TaskFailed(ILogger logger, Exception error, string task);

    [LoggerMessage(EventId = 6405, EventName = "InProcessClaimFailed", Level = LogLevel.Error,
        Message = "Could not claim {Count} job(s); they stay queued and run after the next start.")]
    public static partial void ClaimFailed(ILogger logger, Exception error, int count);

    [LoggerMessage(EventId = 6406, EventName = "InProcessJobNotFinished", Level = LogLevel.Error,
        Message = "Job {JobId} could not be run or its outcome not recorded; if it was claimed, its lease lapses and it is rescued.")]
    public static partial void JobNotFinished(ILogger logger, Exception error, long jobId);

    [LoggerMessage(EventId = 6407, EventName = "InProcessQueuedJobsPickedUp", Level = LogLevel.Information,
        Message = "Picked up {Count} queued job(s) left from an earlier run.")]
    public static partial void QueuedJobsPickedUp(ILogger logger, int count);

    [LoggerMessage(EventId = 6408, EventName = "InProcessPickUpFailed", Level = LogLevel.Error,
        Message = "Could not pick up queued jobs from an earlier run; they stay queued and are picked up at the next start.")]
    public static partial void PickUpFailed(ILogger logger, Exception error);
}
