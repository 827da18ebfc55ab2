using Microsoft.Extensions.Logging;

namespace JobRunners.Runners.AwsLambda;

/// <summary>
/// The aws-lambda runner's log events, 6500-6599: direct invocations (6501-6509), SQS event batches (6511-6519),
/// delaying SQS messages (6521-6529). Ids and names are stable; docs/logging.md lists them.
/// </summary>
internal static partial class AwsLambdaLog
{
    [LoggerMessage(EventId = 6501, EventName = "LambdaStaleDeliveryDropped", Level = LogLevel.Information,
        Message = "Job {JobId} ({JobType}) is not due until {RunAt:O}; this delivery is a stale duplicate and is dropped.")]
    public static partial void StaleDeliveryDropped(ILogger logger, long? jobId, string jobType, DateTimeOffset? runAt);

    [LoggerMessage(EventId = 6502, EventName = "LambdaJobReturnedToOutbox", Level = LogLevel.Information,
        Message = "Job {JobId} ({JobType}) was returned to the outbox; it is invoked again at {RetryAt:O}.")]
    public static partial void JobReturnedToOutbox(ILogger logger, long? jobId, string jobType, DateTimeOffset? retryAt);

    [LoggerMessage(EventId = 6503, EventName = "LambdaJobHandedOver", Level = LogLevel.Information,
        Message = "Job {JobId} ({JobType}) waits for its locked queue '{Queue}'; handed to a fresh invocation.")]
    public static partial void JobHandedOver(ILogger logger, long jobId, string jobType, string queue);

    [LoggerMessage(EventId = 6511, EventName = "LambdaSqsBatchFailed", Level = LogLevel.Error,
        Message = "{Count} SQS message(s) could not be handled; they are reported as failed and come back after the visibility timeout.")]
    public static partial void SqsBatchFailed(ILogger logger, Exception error, int count);

    [LoggerMessage(EventId = 6512, EventName = "LambdaSqsBatchNotDelayed", Level = LogLevel.Warning,
        Message = "{Count} SQS message(s) could not be delayed; they come back after the queue's visibility timeout.")]
    public static partial void SqsBatchNotDelayed(ILogger logger, Exception error, int count);

    [LoggerMessage(EventId = 6513, EventName = "LambdaSqsMessageNotServed", Level = LogLevel.Information,
        Message = "SQS message {MessageId} is for a job type this function does not register ({Reason}); it is offered again in {Delay}.")]
    public static partial void SqsMessageNotServed(ILogger logger, string messageId, string? reason, TimeSpan delay);

    [LoggerMessage(EventId = 6514, EventName = "LambdaSqsMessageRejected", Level = LogLevel.Error,
        Message = "SQS message {MessageId} can never run ({Reason}); it is reported as failed so the queue's redrive policy moves it to the dead-letter queue after maxReceiveCount (received {ReceiveCount} times so far).")]
    public static partial void SqsMessageRejected(ILogger logger, string messageId, string? reason, string? receiveCount);

    [LoggerMessage(EventId = 6515, EventName = "LambdaSqsMessageRunsLater", Level = LogLevel.Information,
        Message = "SQS message {MessageId} runs again later ({Outcome}).")]
    public static partial void SqsMessageRunsLater(ILogger logger, string messageId, JobOutcome outcome);

    [LoggerMessage(EventId = 6516, EventName = "LambdaSqsMessageFailed", Level = LogLevel.Error,
        Message = "SQS message {MessageId} could not be handled; it is reported as failed and comes back after the visibility timeout.")]
    public static partial void SqsMessageFailed(ILogger logger, Exception error, string messageId);

    [LoggerMessage(EventId = 6521, EventName = "LambdaSqsDelayNoCredentials", Level = LogLevel.Warning,
        Message = "Cannot delay SQS messages {MessageIds}: {Problem} They come back after the queue's visibility timeout.")]
    public static partial void SqsDelayNoCredentials(ILogger logger, string messageIds, string? problem);

    [LoggerMessage(EventId = 6522, EventName = "LambdaSqsDelayNoReceiptOrQueue", Level = LogLevel.Warning,
        Message = "Cannot delay SQS message {MessageId}: the record has no receipt handle or no queue ARN ('{Arn}').")]
    public static partial void SqsDelayNoReceiptOrQueue(ILogger logger, string messageId, string? arn);

    [LoggerMessage(EventId = 6523, EventName = "LambdaSqsMessageNotDelayed", Level = LogLevel.Warning,
        Message = "Could not delay SQS message {MessageId}: {Code}: {Message}. It comes back after the queue's visibility timeout.")]
    public static partial void SqsMessageNotDelayed(ILogger logger, string messageId, string? code, string? message);

    [LoggerMessage(EventId = 6524, EventName = "LambdaSqsMessagesNotDelayed", Level = LogLevel.Warning,
        Message = "Could not delay SQS messages {MessageIds}; they come back after the queue's visibility timeout. The function's role needs sqs:ChangeMessageVisibility on the queue.")]
    public static partial void SqsMessagesNotDelayed(ILogger logger, Exception error, string messageIds);
}
