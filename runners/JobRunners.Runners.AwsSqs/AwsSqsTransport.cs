using Amazon.Runtime;

namespace JobRunners.Runners.AwsSqs;

/// <summary>
/// <c>JOB_RUNNER=aws-sqs</c>: a job is sent as an envelope carrying only its row id, a task as an envelope
/// carrying its payload. Delays up to 15 minutes ride on SQS's <c>DelaySeconds</c>; longer ones (and every delay
/// on a FIFO queue, which has no per-message delay) wait in the row and the outbox sends them when due.
/// </summary>
internal sealed partial class AwsSqsTransport : IJobTransport
{
    public const string RunnerName = "aws-sqs";

    /// <summary>The longest per-message delay SQS holds.</summary>
    private static readonly TimeSpan SqsMaxDelay = TimeSpan.FromMinutes(15);

    private readonly SqsQueue _queue;
    private readonly TimeProvider _time;

    public AwsSqsTransport(SqsQueue queue, TimeProvider time)
    {
        _queue = queue;
        _time = time;
        Traits = new() { MaxNativeDelay = queue.IsFifo ? TimeSpan.Zero : SqsMaxDelay };
    }

    /// <summary>Delays up to 15 minutes on a standard queue, none on a FIFO queue; messages can be lost.</summary>
    public JobTransportTraits Traits { get; }

    public RunnerConfiguration CheckConfiguration(string runnerName) => _queue.Check(runnerName);

    public async ValueTask SendJobAsync(JobRequest job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var message = ForJob(job);
        await _queue.Client.SendMessageAsync(message.ToRequest(_queue.QueueUrl), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask SendTaskAsync(PreparedTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var message = ForTask(task);
        try
        {
            var limit = await _queue.GetMaxMessageSizeAsync(cancellationToken).ConfigureAwait(false);
            if (message.Size > limit)
            {
                throw TooLarge(task, message, limit);
            }

            await _queue.Client.SendMessageAsync(message.ToRequest(_queue.QueueUrl), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException)
        {
            throw new JobDispatchException($"Task '{task.Name}' was not accepted by the {RunnerName} runner: {ex.Message}", null, ex);
        }
    }

    private OutgoingMessage ForJob(JobRequest job)
    {
        var body = JobEnvelope.ForJob(job).Serialize();
        if (_queue.IsFifo)
        {
            // One group per job queue keeps each queue's jobs in order; the row id makes a re-send within SQS's
            // five-minute deduplication window a no-op.
            return new OutgoingMessage(body, null, FifoGroupId(job.QueueName), job.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var delay = job.RunAt - _time.GetUtcNow();
        var seconds = AwsSqsSettings.Seconds(delay, SqsMaxDelay);
        return new OutgoingMessage(body, seconds > 0 ? seconds : null, null, null);
    }

    private OutgoingMessage ForTask(PreparedTask task)
    {
        var body = JobEnvelope.ForTask(task).Serialize();
        return _queue.IsFifo
            ? new OutgoingMessage(body, null, FifoGroupId(task.Name), Guid.NewGuid().ToString("N"))
            : new OutgoingMessage(body, null, null, null);
    }

    /// <summary>
    /// The name as a FIFO message group id, which SQS limits to 128 printable ASCII characters without spaces:
    /// anything else becomes '_'.
    /// </summary>
    internal static string FifoGroupId(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var chars = name.Length > 128 ? name[..128].ToCharArray() : name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] is < '!' or > '~')
            {
                chars[i] = '_';
            }
        }

        return chars.Length == 0 ? "_" : new string(chars);
    }

    private static PayloadTooLargeException TooLarge(PreparedTask task, OutgoingMessage message, int limit) =>
        new(RunnerName, task.Name, message.Size, limit);
}
