namespace JobRunners.Runners.AzureQueue;

/// <summary>
/// <c>JOB_RUNNER=azure-queue</c>: a job's row is written first and only its id travels, as a Base64 envelope on an
/// Azure Storage queue; a task travels with its payload. Delays up to 7 days ride on the message's initial
/// visibility; longer ones wait in the row for the outbox. Job messages never expire.
/// </summary>
internal sealed class AzureQueueJobRunner : JobRunnerBase
{
    public const string RunnerName = "azure-queue";

    private readonly AzureQueueTransport _transport;

    public AzureQueueJobRunner(JobRunnerServices services, AzureQueueTransport transport)
        : base(services)
    {
        _transport = transport;
    }

    public override string Name => RunnerName;

    protected override TimeSpan MaxNativeDelay => AzureQueueTransport.MaxVisibility;

    public override RunnerConfiguration CheckConfiguration() => new(Name, _transport.Check());

    protected override async ValueTask SendJobAsync(JobRequest job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var body = JobEnvelope.ForJob(job).Serialize();
        var visibility = job.RunAt is { } due ? AzureQueueTransport.ToVisibility(due - Services.TimeProvider.GetUtcNow()) : TimeSpan.Zero;
        try
        {
            // A job's message must outlive any wait: the row is marked dispatched, so nothing would send it again.
            await _transport.SendAsync(body, visibility > TimeSpan.Zero ? visibility : null, AzureQueueTransport.NeverExpire, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new JobRunnerException(AzureQueueTransport.Describe(ex, _transport.QueueName), ex);
        }
    }

    protected override async ValueTask SendTaskAsync(PreparedTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var body = JobEnvelope.ForTask(task).Serialize();
        var size = AzureQueueTransport.EncodedSize(body);
        if (size > AzureQueueTransport.MaxMessageBytes)
        {
            throw new PayloadTooLargeException(Name, task.Name, size, AzureQueueTransport.MaxMessageBytes);
        }

        try
        {
            await _transport.SendAsync(body, null, _transport.Options.TaskTimeToLive ?? AzureQueueTransport.NeverExpire, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new JobDispatchException($"Task '{task.Name}' was not accepted by the {Name} runner: {AzureQueueTransport.Describe(ex, _transport.QueueName)}", null, ex);
        }
    }

    protected override async ValueTask<IReadOnlyList<Exception?>> SendJobsAsync(IReadOnlyList<JobRequest> jobs, CancellationToken cancellationToken) =>
        await SendConcurrentlyAsync(jobs, SendJobAsync, cancellationToken).ConfigureAwait(false);

    protected override async ValueTask<IReadOnlyList<Exception?>> SendTasksAsync(IReadOnlyList<PreparedTask> tasks, CancellationToken cancellationToken) =>
        await SendConcurrentlyAsync(tasks, SendTaskAsync, cancellationToken).ConfigureAwait(false);

    /// <summary>Azure queues have no batch send: sends each item, a bounded number at once, and keeps each item's error.</summary>
    private async Task<Exception?[]> SendConcurrentlyAsync<T>(IReadOnlyList<T> items, Func<T, CancellationToken, ValueTask> send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var errors = new Exception?[items.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _transport.Options.SendConcurrency, CancellationToken = cancellationToken };
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
