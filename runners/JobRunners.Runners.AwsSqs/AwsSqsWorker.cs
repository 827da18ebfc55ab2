using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;

namespace JobRunners.Runners.AwsSqs;

/// <summary>
/// The consuming side: long-polls the queue for as many messages as it has free capacity (at most 10), keeps
/// running messages invisible on the heartbeat, deletes handled ones, hides retried ones until their retry time,
/// and parks the ones that can never be handled (see <c>AwsSqsWorker.Park.cs</c>). A missing queue or refused
/// access stops the worker with a message saying what to fix.
/// </summary>
internal sealed partial class AwsSqsWorker : QueueWorker<Message>
{
    private static readonly List<string> SystemAttributes = ["ApproximateReceiveCount"];

    private readonly SqsQueue _queue;

    public AwsSqsWorker(JobExecutor executor, TimeProvider time, SqsQueue queue, ILogger<AwsSqsWorker> logger)
        : base(executor, time, queue?.Options.Worker ?? new QueueWorkerOptions(), logger)
    {
        ArgumentNullException.ThrowIfNull(queue);
        _queue = queue;
    }

    protected override int MaxBatchSize => 10;

    protected override string QueueDescription => _queue.Options.QueueUrl ?? "(no queue URL)";

    protected override string SettingsSection => "JobRunners:AwsSqs:Worker";

    protected override async Task<IReadOnlyList<Message>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken)
    {
        var request = new ReceiveMessageRequest
        {
            QueueUrl = _queue.QueueUrl,
            MaxNumberOfMessages = Math.Clamp(maxMessages, 1, MaxBatchSize),
            WaitTimeSeconds = AwsSqsSettings.Seconds(_queue.Options.ReceiveWaitTime, AwsSqsSettings.MaxReceiveWait),
            VisibilityTimeout = AwsSqsSettings.Seconds(Options.VisibilityTimeout, AwsSqsSettings.MaxVisibility),
            MessageSystemAttributeNames = SystemAttributes,
        };

        // The long poll is the wait: poll again at once after an empty answer instead of returning to the base
        // loop, whose back-off pause would only add latency on top of SQS's own wait. Short polling (a zero wait)
        // returns empty so that back-off applies.
        while (true)
        {
            ReceiveMessageResponse response;
            try
            {
                response = await _queue.ReceiveClient.ReceiveMessageAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (SqsErrors.IsFatal(ex))
            {
                throw SqsErrors.Explain(ex, QueueDescription);
            }

            // SDK v4 answers an empty receive with Messages == null.
            if (response.Messages is { Count: > 0 } messages)
            {
                return messages;
            }

            if (request.WaitTimeSeconds == 0)
            {
                return [];
            }
        }
    }

    protected override string GetBody(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Body ?? "";
    }

    protected override async Task DeleteAsync(Message message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await _queue.Client.DeleteMessageAsync(_queue.QueueUrl, message.ReceiptHandle, cancellationToken).ConfigureAwait(false);
    }

    protected override async Task RetryLaterAsync(Message message, TimeSpan? delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (delay is not { } wait)
        {
            // No retry time (a failed task): the message reappears when its visibility timeout lapses, and a
            // RedrivePolicy bounds how often.
            return;
        }

        // SQS hides a message for at most 12 hours; a job due later is received again, found not due, and hidden again.
        await SetVisibilityAsync(message, AwsSqsSettings.Seconds(wait, AwsSqsSettings.MaxVisibility), cancellationToken).ConfigureAwait(false);
    }

    protected override Task ExtendVisibilityAsync(Message message, TimeSpan visibility, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return SetVisibilityAsync(message, AwsSqsSettings.Seconds(visibility, AwsSqsSettings.MaxVisibility), cancellationToken);
    }

    protected override bool IsFatal(Exception exception) => SqsErrors.IsFatal(exception);

    protected override long DeliveryCount(Message message) => ReceiveCount(message);

    private async Task SetVisibilityAsync(Message message, int seconds, CancellationToken cancellationToken) =>
        await _queue.Client.ChangeMessageVisibilityAsync(_queue.QueueUrl, message.ReceiptHandle, seconds, cancellationToken).ConfigureAwait(false);

    private static int ReceiveCount(Message message) =>
        message.Attributes is { } attributes && attributes.TryGetValue("ApproximateReceiveCount", out var text)
            && int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var count)
            ? count
            : 1;
}
