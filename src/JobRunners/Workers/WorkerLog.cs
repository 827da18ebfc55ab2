using Microsoft.Extensions.Logging;

namespace JobRunners;

/// <summary>
/// The queue workers' log events, 2000-2099 (<see cref="QueueWorker{TMessage}"/>, shared by the message-queue
/// runners). Ids and names are stable; docs/logging.md lists them.
/// </summary>
internal static partial class WorkerLog
{
    [LoggerMessage(EventId = 2001, EventName = "QueueWorkerStarted", Level = LogLevel.Information,
        Message = "Worker started on {Queue} with concurrency {Concurrency}.")]
    public static partial void Started(ILogger logger, string queue, int concurrency);

    [LoggerMessage(EventId = 2002, EventName = "QueueWorkerStoppedOnFatalError", Level = LogLevel.Critical,
        Message = "Worker on {Queue} stopped: {Message}")]
    public static partial void StoppedOnFatalError(ILogger logger, Exception error, string queue, string message);

    [LoggerMessage(EventId = 2003, EventName = "QueueReceiveFailed", Level = LogLevel.Warning,
        Message = "Receiving from {Queue} failed; retrying in {Backoff}.")]
    public static partial void ReceiveFailed(ILogger logger, Exception error, string queue, TimeSpan backoff);

    [LoggerMessage(EventId = 2004, EventName = "QueueBatchNotHandled", Level = LogLevel.Error,
        Message = "{Count} message(s) from {Queue} could not be handled; they are delivered again when their visibility lapses.")]
    public static partial void BatchNotHandled(ILogger logger, Exception error, int count, string queue);

    [LoggerMessage(EventId = 2005, EventName = "QueueMessageNotHandled", Level = LogLevel.Error,
        Message = "A message from {Queue} could not be handled; it is delivered again when its visibility lapses.")]
    public static partial void MessageNotHandled(ILogger logger, Exception error, string queue);

    [LoggerMessage(EventId = 2006, EventName = "QueueVisibilityExtensionFailed", Level = LogLevel.Warning,
        Message = "Could not extend a message's visibility on {Queue}; it may be delivered again, and the row's claim keeps its job from running twice.")]
    public static partial void VisibilityExtensionFailed(ILogger logger, Exception error, string queue);

    [LoggerMessage(EventId = 2007, EventName = "QueueWorkerShutdownTimedOut", Level = LogLevel.Warning,
        Message = "{Count} message(s) on {Queue} were still running after {Timeout}; interrupting them. Their jobs are released to run again.")]
    public static partial void ShutdownTimedOut(ILogger logger, int count, string queue, TimeSpan timeout);
}
