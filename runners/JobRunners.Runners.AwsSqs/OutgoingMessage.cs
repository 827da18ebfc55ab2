using System.Text;
using Amazon.SQS.Model;

namespace JobRunners.Runners.AwsSqs;

/// <summary>One envelope ready to send, alone or in a batch.</summary>
/// <param name="Body">The serialized envelope.</param>
/// <param name="DelaySeconds">Per-message delay (standard queues only), or null.</param>
/// <param name="GroupId">FIFO message group, or null.</param>
/// <param name="DeduplicationId">FIFO deduplication id, or null.</param>
internal sealed record OutgoingMessage(string Body, int? DelaySeconds, string? GroupId, string? DeduplicationId)
{
    /// <summary>The size SQS counts against its limits: the UTF-8 body (no message attributes are sent).</summary>
    public int Size { get; } = Encoding.UTF8.GetByteCount(Body);

    public SendMessageRequest ToRequest(string queueUrl) => new()
    {
        QueueUrl = queueUrl,
        MessageBody = Body,
        DelaySeconds = DelaySeconds,
        MessageGroupId = GroupId,
        MessageDeduplicationId = DeduplicationId,
    };

    public SendMessageBatchRequestEntry ToEntry(string id) => new()
    {
        Id = id,
        MessageBody = Body,
        DelaySeconds = DelaySeconds,
        MessageGroupId = GroupId,
        MessageDeduplicationId = DeduplicationId,
    };
}
