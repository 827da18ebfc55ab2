using Microsoft.Extensions.Logging;

namespace JobRunners.Runners.AzureQueue;

/// <summary>
/// The azure-queue runner's log events, 6200-6299. Ids and names are stable; docs/logging.md lists them.
/// </summary>
internal static partial class AzureQueueLog
{
    [LoggerMessage(EventId = 6201, EventName = "AzureQueueCreated", Level = LogLevel.Information,
        Message = "Created the Azure queue '{Queue}'.")]
    public static partial void QueueCreated(ILogger logger, string queue);

    [LoggerMessage(EventId = 6202, EventName = "AzureMessageMovedToPoisonQueue", Level = LogLevel.Warning,
        Message = "Moved message {MessageId} from Azure queue '{Queue}' to '{PoisonQueue}': {Reason}")]
    public static partial void MessageMovedToPoisonQueue(ILogger logger, string messageId, string queue, string poisonQueue, string reason);

    [LoggerMessage(EventId = 6203, EventName = "AzureUndecodableMessageNotMoved", Level = LogLevel.Error,
        Message = "Could not move undecodable message {MessageId} from Azure queue '{Queue}' to '{PoisonQueue}'; it is tried again at its next delivery.")]
    public static partial void UndecodableMessageNotMoved(ILogger logger, Exception error, string messageId, string queue, string poisonQueue);

    [LoggerMessage(EventId = 6204, EventName = "AzureMessageReceivedElsewhere", Level = LogLevel.Warning,
        Message = "Message {MessageId} on {Queue} was received again elsewhere before it could be deleted ({Code}).")]
    public static partial void MessageReceivedElsewhere(ILogger logger, string messageId, string queue, string? code);

    [LoggerMessage(EventId = 6205, EventName = "AzureMessageNotMovedToPoisonQueue", Level = LogLevel.Error,
        Message = "Could not move message {MessageId} from {Queue} to the poison queue; it is tried again at its next delivery.")]
    public static partial void MessageNotMovedToPoisonQueue(ILogger logger, Exception error, string messageId, string queue);
}
