namespace JobRunners.Runners.AwsLambda;

/// <summary>One record of an SQS event, as the Lambda event source mapping delivers it.</summary>
/// <param name="MessageId">The id reported back in <c>batchItemFailures</c>.</param>
/// <param name="Body">The message body: a JobRunners envelope.</param>
/// <param name="ReceiptHandle">The handle for changing the message's visibility.</param>
/// <param name="EventSourceArn">The queue's ARN, <c>arn:aws:sqs:region:account:name</c>.</param>
/// <param name="ReceiveCount">How often SQS has delivered the message, for logs.</param>
internal sealed record SqsRecord(string MessageId, string Body, string? ReceiptHandle, string? EventSourceArn, string? ReceiveCount)
{
    /// <summary>True for FIFO queues, whose records must be handled in order.</summary>
    public bool IsFifo => EventSourceArn?.EndsWith(".fifo", StringComparison.Ordinal) == true;
}
