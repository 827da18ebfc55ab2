using Azure.Storage.Queues.Models;

namespace JobRunners.Runners.AzureQueue;

/// <summary>
/// A received message and its current pop receipt. Every visibility update hands out a new pop receipt and voids
/// the old one, so the worker replaces it here; the queue worker serialises calls per message, so no two calls race.
/// </summary>
internal sealed class AzureQueueDelivery
{
    private string? _body;
    private bool? _isJob;

    public AzureQueueDelivery(QueueMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Message = message;
        PopReceipt = message.PopReceipt;
    }

    /// <summary>The message as received (its pop receipt is the first one).</summary>
    public QueueMessage Message { get; }

    /// <summary>The message id.</summary>
    public string MessageId => Message.MessageId;

    /// <summary>The pop receipt the next update or delete must present.</summary>
    public string PopReceipt { get; set; }

    /// <summary>How many times the queue has delivered the message, this delivery included.</summary>
    public long DequeueCount => Message.DequeueCount;

    /// <summary>How many times this delivery's visibility was extended (each replaced the pop receipt).</summary>
    public int Renewals { get; set; }

    /// <summary>The decoded message text: the envelope.</summary>
    public string Body => _body ??= Message.Body.ToString();

    /// <summary>The text as stored in the queue (Base64), for copying to the poison queue unchanged.</summary>
    public string RawText => Convert.ToBase64String(Message.Body.ToMemory().Span);

    /// <summary>True when the message is a job envelope, whose retries the job's row governs.</summary>
    public bool IsJobEnvelope => _isJob ??= ReadIsJob(Body);

    private static bool ReadIsJob(string body)
    {
        try
        {
            return JobEnvelope.Parse(body).Kind == EnvelopeKind.Job;
        }
        catch (MalformedEnvelopeException)
        {
            return false;
        }
    }
}
