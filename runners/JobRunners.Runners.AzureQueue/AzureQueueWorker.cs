using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobRunners.Runners.AzureQueue;

/// <summary>
/// Polls the Azure queue: receives up to 32 messages at a time (no more than it has free capacity), keeps running
/// messages invisible with <c>UpdateMessage</c> and keeps each new pop receipt, deletes handled messages, delays
/// retries through the visibility timeout, and moves messages that can never run (or task messages delivered more
/// than <see cref="AzureQueueOptions.MaxDequeueCount"/> times) to the poison queue.
/// </summary>
internal sealed class AzureQueueWorker : QueueWorker<AzureQueueDelivery>
{
    private readonly AzureQueueTransport _transport;
    private long _renewals;

    public AzureQueueWorker(JobExecutor executor, TimeProvider time, AzureQueueTransport transport, IOptions<AzureQueueOptions> options, ILogger<AzureQueueWorker> logger)
        : base(executor, time, options.Value.Worker, logger)
    {
        _transport = transport;
    }

    /// <summary>Visibility extensions made so far (each replaced a pop receipt).</summary>
    internal long Renewals => Interlocked.Read(ref _renewals);

    protected override int MaxBatchSize => 32;

    protected override string QueueDescription => $"Azure queue '{_transport.QueueName}'";

    protected override string SettingsSection => "JobRunners:AzureQueue:Worker";

    private int MaxDequeueCount => _transport.Options.MaxDequeueCount;

    protected override async Task<IReadOnlyList<AzureQueueDelivery>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken)
    {
        Azure.Storage.Queues.Models.QueueMessage[] messages;
        try
        {
            messages = (await _transport.Queue.ReceiveMessagesAsync(maxMessages, AzureQueueTransport.ToVisibility(Options.VisibilityTimeout), cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException ex) when (AzureQueueTransport.IsQueueNotFound(ex) && _transport.Options.CreateQueueIfNotExists)
        {
            await _transport.CreateQueueAsync(cancellationToken).ConfigureAwait(false);
            return [];
        }
        catch (RequestFailedException ex) when (_transport.IsFatal(ex))
        {
            throw new JobRunnerException(AzureQueueTransport.Describe(ex, _transport.QueueName), ex);
        }

        var ready = new List<AzureQueueDelivery>(messages.Length);
        foreach (var message in messages)
        {
            var delivery = new AzureQueueDelivery(message);
            if (delivery.DequeueCount > MaxDequeueCount && !delivery.IsJobEnvelope)
            {
                // Failed every allowed delivery without being parked (the worker died, or its retry call failed).
                await TryParkAsync(delivery, $"delivered {delivery.DequeueCount} times, more than MaxDequeueCount {MaxDequeueCount}").ConfigureAwait(false);
                continue;
            }

            ready.Add(delivery);
        }

        return ready;
    }

    protected override string GetBody(AzureQueueDelivery message) => message.Body;

    protected override async Task DeleteAsync(AzureQueueDelivery message, CancellationToken cancellationToken)
    {
        try
        {
            await _transport.Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (AzureQueueTransport.IsMessageGone(ex))
        {
            // Its visibility lapsed and another worker holds it now; the row's claim keeps the job from running twice.
            AzureQueueLog.MessageReceivedElsewhere(Logger, message.MessageId, QueueDescription, ex.ErrorCode);
        }
    }

    protected override async Task RetryLaterAsync(AzureQueueDelivery message, TimeSpan? delay, CancellationToken cancellationToken)
    {
        if (!message.IsJobEnvelope && message.DequeueCount >= MaxDequeueCount)
        {
            await ParkAsync(message, $"failed on each of {message.DequeueCount} deliveries (MaxDequeueCount {MaxDequeueCount})", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (delay is not { } wait)
        {
            // Offered again when the visibility the heartbeat last set lapses.
            return;
        }

        await UpdateVisibilityAsync(message, AzureQueueTransport.ToVisibility(wait), cancellationToken).ConfigureAwait(false);
    }

    protected override Task ParkAsync(AzureQueueDelivery message, string reason, CancellationToken cancellationToken) =>
        _transport.ParkAsync(message.RawText, message.MessageId, message.PopReceipt, reason, cancellationToken);

    protected override async Task ExtendVisibilityAsync(AzureQueueDelivery message, TimeSpan visibility, CancellationToken cancellationToken)
    {
        await UpdateVisibilityAsync(message, AzureQueueTransport.ToVisibility(visibility), cancellationToken).ConfigureAwait(false);
        message.Renewals++;
        Interlocked.Increment(ref _renewals);
    }

    protected override bool IsFatal(Exception exception) => _transport.IsFatal(exception);

    protected override long DeliveryCount(AzureQueueDelivery message) => message.DequeueCount;

    private async Task UpdateVisibilityAsync(AzureQueueDelivery message, TimeSpan visibility, CancellationToken cancellationToken)
    {
        // No message text: only the visibility changes. The old pop receipt is void from here on.
        var receipt = await _transport.Queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, (string?)null, visibility, cancellationToken).ConfigureAwait(false);
        message.PopReceipt = receipt.Value.PopReceipt;
    }

    private async Task TryParkAsync(AzureQueueDelivery message, string reason)
    {
        try
        {
            await ParkAsync(message, reason, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The message stays on the queue and is parked at its next delivery.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            AzureQueueLog.MessageNotMovedToPoisonQueue(Logger, ex, message.MessageId, QueueDescription);
        }
    }
}
