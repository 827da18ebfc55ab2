using Microsoft.Extensions.Logging;

namespace JobRunners.Runners.AwsSqs;

/// <summary>
/// The aws-sqs runner's log events, 6100-6199: the queue's attributes (6101-6109), parking messages that can never
/// run (6111-6119). Ids and names are stable; docs/logging.md lists them.
/// </summary>
internal static partial class AwsSqsLog
{
    [LoggerMessage(EventId = 6101, EventName = "SqsQueueAttributesUnreadable", Level = LogLevel.Warning,
        Message = "Could not read the attributes of {Queue} ({Code}); assuming a {Limit:N0}-byte message limit and no redrive policy. Allow sqs:GetQueueAttributes to use the queue's own.")]
    public static partial void QueueAttributesUnreadable(ILogger logger, string queue, string? code, int limit);

    [LoggerMessage(EventId = 6102, EventName = "SqsMessageSizeLimitUnreadable", Level = LogLevel.Debug,
        Message = "Could not read the message size limit of {Queue}; assuming {Limit:N0} bytes for now.")]
    public static partial void MessageSizeLimitUnreadable(ILogger logger, Exception error, string queue, int limit);

    [LoggerMessage(EventId = 6111, EventName = "SqsMessageLeftToRedrivePolicy", Level = LogLevel.Warning,
        Message = "Message {MessageId} on {Queue} cannot be handled ({Reason}); leaving it to the queue's redrive policy, which moves it to {DeadLetterQueue} after {MaxReceiveCount} receives (received {Receives} so far).")]
    public static partial void MessageLeftToRedrivePolicy(ILogger logger, string? messageId, string queue, string reason, string? deadLetterQueue, int? maxReceiveCount, int receives);

    [LoggerMessage(EventId = 6112, EventName = "SqsMessageKeptWithoutDeadLetterQueue", Level = LogLevel.Error,
        Message = "Message {MessageId} on {Queue} cannot be handled ({Reason}), and the queue has no dead-letter queue: it stays on the queue and is offered again in {Delay} (received {Receives} times). Give the queue a RedrivePolicy or set JobRunners:AwsSqs:DeadLetterQueueUrl, then remove or fix the message.")]
    public static partial void MessageKeptWithoutDeadLetterQueue(ILogger logger, string? messageId, string queue, string reason, TimeSpan delay, int receives);

    [LoggerMessage(EventId = 6113, EventName = "SqsMessageMovedToDeadLetterQueue", Level = LogLevel.Warning,
        Message = "Moved message {MessageId} from {Queue} to the dead-letter queue {DeadLetterQueue}: {Reason}")]
    public static partial void MessageMovedToDeadLetterQueue(ILogger logger, string? messageId, string queue, string deadLetterQueue, string reason);
}
