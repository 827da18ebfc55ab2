using Amazon.Runtime;
using Amazon.SQS.Model;

namespace JobRunners.Runners.AwsSqs;

/// <content>The backend health check: the queue's attributes answer.</content>
internal sealed partial class AwsSqsTransport
{
    public async ValueTask<TransportHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            var response = await _queue.Client.GetQueueAttributesAsync(
                new GetQueueAttributesRequest { QueueUrl = _queue.QueueUrl, AttributeNames = ["ApproximateNumberOfMessages"] },
                cancellationToken).ConfigureAwait(false);
            var messages = response.ApproximateNumberOfMessages is { } count ? $", about {count} message(s) waiting" : "";
            return TransportHealth.Healthy($"SQS queue {_queue.QueueUrl} answered{messages}.");
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException or JobRunnerException)
        {
            return TransportHealth.Unreachable($"SQS queue {_queue.Options.QueueUrl}: {SqsErrors.Explain(ex, _queue.Options.QueueUrl ?? "(no queue URL)").Message}");
        }
    }
}
