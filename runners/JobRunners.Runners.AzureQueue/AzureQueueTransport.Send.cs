namespace JobRunners.Runners.AzureQueue;

/// <content>
/// <c>JOB_RUNNER=azure-queue</c>: a job's row is written first and only its id travels, as a Base64 envelope on an
/// Azure Storage queue; a task travels with its payload. Delays up to 7 days ride on the message's initial
/// visibility; longer ones wait in the row for the outbox. Job messages never expire.
/// </content>
internal sealed partial class AzureQueueTransport : IJobTransport
{
    public const string RunnerName = "azure-queue";

    /// <summary>Delays up to 7 days ride on the message's initial visibility; messages can be lost.</summary>
    public JobTransportTraits Traits { get; } = new() { MaxNativeDelay = MaxVisibility };

    public RunnerConfiguration CheckConfiguration(string runnerName) => new(runnerName, Check());

    public async ValueTask SendJobAsync(JobRequest job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var body = JobEnvelope.ForJob(job).Serialize();
        var visibility = job.RunAt is { } due ? ToVisibility(due - _time.GetUtcNow()) : TimeSpan.Zero;
        try
        {
            // A job's message must outlive any wait: the row is marked dispatched, so nothing would send it again.
            await SendAsync(body, visibility > TimeSpan.Zero ? visibility : null, NeverExpire, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new JobRunnerException(Describe(ex, QueueName), ex);
        }
    }

    public async ValueTask SendTaskAsync(PreparedTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var body = JobEnvelope.ForTask(task).Serialize();
        var size = EncodedSize(body);
        if (size > MaxMessageBytes)
        {
            throw new PayloadTooLargeException(RunnerName, task.Name, size, MaxMessageBytes);
        }

        try
        {
            await SendAsync(body, null, Options.TaskTimeToLive ?? NeverExpire, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new JobDispatchException($"Task '{task.Name}' was not accepted by the {RunnerName} runner: {Describe(ex, QueueName)}", null, ex);
        }
    }

    public async ValueTask<IReadOnlyList<Exception?>> SendJobsAsync(IReadOnlyList<JobRequest> jobs, bool redelivery, CancellationToken cancellationToken) =>
        await SendConcurrentlyAsync(jobs, SendJobAsync, cancellationToken).ConfigureAwait(false);

    public async ValueTask<IReadOnlyList<Exception?>> SendTasksAsync(IReadOnlyList<PreparedTask> tasks, CancellationToken cancellationToken) =>
        await SendConcurrentlyAsync(tasks, SendTaskAsync, cancellationToken).ConfigureAwait(false);

    /// <summary>Azure queues have no batch send: sends each item, a bounded number at once, and keeps each item's error.</summary>
    private async Task<Exception?[]> SendConcurrentlyAsync<T>(IReadOnlyList<T> items, Func<T, CancellationToken, ValueTask> send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var errors = new Exception?[items.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Options.SendConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Count), parallel, async (index, token) =>
        {
            try
            {
                await send(items[index], token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                errors[index] = ex;
            }
        }).ConfigureAwait(false);
        return errors;
    }
}
