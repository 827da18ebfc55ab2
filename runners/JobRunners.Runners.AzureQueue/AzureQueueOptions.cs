using Azure.Storage.Queues;

namespace JobRunners.Runners.AzureQueue;

/// <summary>
/// Settings of the Azure Storage Queue runner, bound from <c>JobRunners:AzureQueue</c>. The connection string and
/// queue name may also come from flat names: <c>AZURE_STORAGE_CONNECTION_STRING</c> (or
/// <c>ConnectionStrings:AzureStorage</c>) and <c>JOBRUNNERS_AZURE_QUEUE_NAME</c>.
/// </summary>
public sealed class AzureQueueOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "JobRunners:AzureQueue";

    /// <summary>
    /// The storage account's connection string (required). Account-key and SAS connection strings both work;
    /// <c>UseDevelopmentStorage=true</c> points at a local Azurite.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The queue jobs and tasks travel through (required): 3 to 56 lowercase letters, digits and single hyphens,
    /// leaving room for the <c>-poison</c> suffix.
    /// </summary>
    public string? QueueName { get; set; }

    /// <summary>
    /// Creates the queue (and its poison queue) when a send or receive finds it missing (default true, as Azure
    /// Functions does). Turn it off where the queue is provisioned separately, so that a mistyped name fails loudly
    /// instead of creating a queue nobody reads.
    /// </summary>
    public bool CreateQueueIfNotExists { get; set; } = true;

    /// <summary>
    /// The storage REST API version to speak (default 2025-11-05). Pinned rather than the SDK's newest so that
    /// emulators that lag behind the SDK, such as Azurite 3.35, accept requests without extra flags; the runner
    /// uses nothing newer.
    /// </summary>
    public QueueClientOptions.ServiceVersion ServiceVersion { get; set; } = QueueClientOptions.ServiceVersion.V2025_11_05;

    /// <summary>
    /// How many deliveries a task message gets before it moves to the poison queue (default 5). Job messages are
    /// exempt: their row counts attempts against the job's maximum, and parking a job's only message would strand it.
    /// </summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>The queue for messages that can never run (default: the queue name followed by <c>-poison</c>).</summary>
    public string? PoisonQueueName { get; set; }

    /// <summary>
    /// How long a task message may wait in the queue before Azure drops it (default: never expires). Job messages
    /// never expire whatever this says, so no accepted job is lost.
    /// </summary>
    public TimeSpan? TaskTimeToLive { get; set; }

    /// <summary>
    /// How long one try of a call to the queue service may take before it is abandoned (default 10 s). Each call is
    /// tried at most 3 times, so while the service does not answer a dispatch fails within about
    /// 3 × this plus 2.2 s and its row is left to the outbox. Azure queues have no long polling, so no call
    /// legitimately waits longer than a slow answer.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many sends a batch dispatch makes at once; Azure queues have no batch send (default 16).</summary>
    public int SendConcurrency { get; set; } = 16;

    /// <summary>The worker's settings, bound from <c>JobRunners:AzureQueue:Worker</c>.</summary>
    public QueueWorkerOptions Worker { get; set; } = new();

    /// <summary>The poison queue's name, explicit or derived from <see cref="QueueName"/>.</summary>
    internal string EffectivePoisonQueueName => string.IsNullOrWhiteSpace(PoisonQueueName) ? $"{QueueName}-poison" : PoisonQueueName;
}
