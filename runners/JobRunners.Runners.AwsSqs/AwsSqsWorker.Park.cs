using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;

namespace JobRunners.Runners.AwsSqs;

/// <summary>
/// Parking a message that can never be handled (not an envelope, unknown task): SQS's own redrive when the queue
/// has a <c>RedrivePolicy</c>, else the configured dead-letter queue, else it stays on the queue with a growing
/// delay and an error in the log. A message is never dropped.
/// </summary>
internal sealed partial class AwsSqsWorker
{
    /// <summary>Message attribute names written on messages moved to <see cref="AwsSqsOptions.DeadLetterQueueUrl"/>.</summary>
    internal const string ReasonAttribute = "jobrunners-park-reason";

    internal const string SourceQueueAttribute = "jobrunners-source-queue";

    internal const string SourceMessageIdAttribute = "jobrunners-source-message-id";

    private const int MaxReasonLength = 1024;

    private static readonly TimeSpan KeptMessageFirstDelay = TimeSpan.FromSeconds(30);

    protected override async Task ParkAsync(Message message, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(reason);
        var receives = ReceiveCount(message);
        var attributes = await _queue.GetAttributesAsync(cancellationToken).ConfigureAwait(false);
        if (attributes.HasRedrivePolicy)
        {
            // Visible again at once, so SQS reaches maxReceiveCount quickly and moves it to its dead-letter queue.
            AwsSqsLog.MessageLeftToRedrivePolicy(Logger, message.MessageId, QueueDescription, reason, attributes.DeadLetterTargetArn, attributes.MaxReceiveCount, receives);
            await SetVisibilityAsync(message, 0, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (_queue.Options.DeadLetterQueueUrl is { Length: > 0 } deadLetterQueue)
        {
            await MoveToDeadLetterQueueAsync(message, reason, deadLetterQueue, cancellationToken).ConfigureAwait(false);
            return;
        }

        var delay = KeptMessageDelay(receives);
        AwsSqsLog.MessageKeptWithoutDeadLetterQueue(Logger, message.MessageId, QueueDescription, reason, delay, receives);
        await SetVisibilityAsync(message, AwsSqsSettings.Seconds(delay, AwsSqsSettings.MaxVisibility), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>30 s after the first receive, doubling with each receive, at most SQS's 12 hours.</summary>
    internal static TimeSpan KeptMessageDelay(int receives)
    {
        var doublings = Math.Clamp(receives - 1, 0, 16);
        var delay = TimeSpan.FromTicks(KeptMessageFirstDelay.Ticks << doublings);
        return delay < AwsSqsSettings.MaxVisibility ? delay : AwsSqsSettings.MaxVisibility;
    }

    private async Task MoveToDeadLetterQueueAsync(Message message, string reason, string deadLetterQueue, CancellationToken cancellationToken)
    {
        var request = new SendMessageRequest
        {
            QueueUrl = deadLetterQueue,
            MessageBody = message.Body ?? "",
            MessageAttributes = new Dictionary<string, MessageAttributeValue>(StringComparer.Ordinal)
            {
                [ReasonAttribute] = Text(reason.Length > MaxReasonLength ? reason[..MaxReasonLength] : reason),
                [SourceQueueAttribute] = Text(_queue.QueueUrl),
                [SourceMessageIdAttribute] = Text(message.MessageId ?? "unknown"),
            },
        };
        if (SqsQueue.IsFifoUrl(deadLetterQueue))
        {
            request.MessageGroupId = "jobrunners-parked";
            request.MessageDeduplicationId = message.MessageId;
        }

        // Send first, delete second: a crash in between leaves a copy in both queues, never in neither.
        await _queue.Client.SendMessageAsync(request, cancellationToken).ConfigureAwait(false);
        await _queue.Client.DeleteMessageAsync(_queue.QueueUrl, message.ReceiptHandle, cancellationToken).ConfigureAwait(false);
        AwsSqsLog.MessageMovedToDeadLetterQueue(Logger, message.MessageId, QueueDescription, deadLetterQueue, reason);
    }

    private static MessageAttributeValue Text(string value) => new() { DataType = "String", StringValue = value.Length > 0 ? value : "unknown" };
}
