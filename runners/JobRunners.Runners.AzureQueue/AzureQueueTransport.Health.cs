namespace JobRunners.Runners.AzureQueue;

/// <content>The backend health check: the queue's properties answer.</content>
internal sealed partial class AzureQueueTransport
{
    public async ValueTask<TransportHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            var properties = await Queue.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
            return TransportHealth.Healthy($"Azure queue '{QueueName}' answered, about {properties.Value.ApproximateMessagesCount} message(s) waiting.");
        }
        catch (Exception ex) when (IsQueueNotFound(ex) && Options.CreateQueueIfNotExists)
        {
            return TransportHealth.Healthy($"Azure queue '{QueueName}' does not exist yet; the account answered, and the first send creates it (CreateQueueIfNotExists).");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return TransportHealth.Unreachable(Describe(ex, QueueName));
        }
    }
}
