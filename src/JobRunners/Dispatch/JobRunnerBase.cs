using JobRunners.Hosting;
using JobRunners.Storage;
using Microsoft.Extensions.Logging;

namespace JobRunners;

/// <summary>
/// The base for runners: validates payloads against the registry, writes the job row before handing the backend
/// only its id, marks it dispatched once accepted, and keeps undispatched rows for the outbox when sending fails.
/// A runner supplies <see cref="Name"/>, <see cref="SendJobAsync"/> and <see cref="SendTaskAsync"/>.
/// </summary>
public abstract partial class JobRunnerBase : IJobRunner
{
    /// <summary>Creates the runner.</summary>
    protected JobRunnerBase(JobRunnerServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        Services = services;
    }

    /// <summary>The core services: registry, store, executor, clock, options, loggers.</summary>
    protected JobRunnerServices Services { get; }

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <summary>
    /// True when the backend has accepted a job as soon as its row is written (in-process runners: the row is the
    /// queue), so the row is written already marked dispatched, saving a round trip.
    /// </summary>
    protected virtual bool AcceptsOnWrite => false;

    /// <summary>
    /// True when writing the row already hands the job to the backend (the <c>postgres</c> runner: the row is the
    /// queue, and <see cref="WriteJobsAsync"/> sends the workers' wake-up in the same statement). Dispatch then makes
    /// no separate send. Implies <see cref="AcceptsOnWrite"/>.
    /// </summary>
    protected virtual bool SendsOnWrite => false;

    /// <summary>
    /// The longest delay the backend can hold by itself (SQS: 15 minutes, Azure: 7 days, in-process: unlimited).
    /// A job delayed further is written undispatched and the outbox hands it over once due.
    /// </summary>
    protected virtual TimeSpan MaxNativeDelay => TimeSpan.Zero;

    /// <inheritdoc />
    public virtual RunnerConfiguration CheckConfiguration() => RunnerConfiguration.Ok(Name);

    /// <inheritdoc />
    public async ValueTask<JobRequest> DispatchJobAsync(string jobType, object payload, DispatchOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = PrepareJob(jobType, payload, options);
        IReadOnlyList<InsertResult> inserted;
        try
        {
            inserted = await WriteJobsAsync([request], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsRawStoreError(ex))
        {
            throw StoreFailure(ex);
        }

        var job = inserted[0].Job;
        if (!inserted[0].Created || IsDeferred(request.RunAt) || SendsOnWrite)
        {
            return job;
        }

        job = await SendAndMarkAsync(job, cancellationToken).ConfigureAwait(false);
        return await AfterDispatchAsync(job, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DispatchTaskAsync(string taskName, object payload, CancellationToken cancellationToken = default) =>
        SendTaskAsync(Services.Registry.PrepareTask(taskName, payload), cancellationToken);

    /// <summary>
    /// Hands an existing queued row to the backend again: used by the outbox for rows whose first send failed or
    /// whose worker died.
    /// </summary>
    public virtual async ValueTask RedispatchAsync(JobRequest job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        await SendJobAsync(job, cancellationToken).ConfigureAwait(false);
        await Services.Store.MarkDispatchedAsync([new JobDispatchMark(job.Id, job.Attempts)], Name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Validates a dispatch and builds the row to write: the payload bound and validated, options resolved.</summary>
    /// <exception cref="UnknownHandlerException">No job has that name.</exception>
    /// <exception cref="PayloadValidationException">The payload is invalid.</exception>
    protected NewJobRequest PrepareJob(string jobType, object payload, DispatchOptions? options)
    {
        var definition = Services.Registry.GetJob(jobType);
        var json = definition.PrepareJson(payload);
        options ??= Defaults;
        if (options.Delay is not null && options.RunAt is not null)
        {
            throw new ArgumentException("Set DispatchOptions.Delay or DispatchOptions.RunAt, not both.", nameof(options));
        }

        var now = Services.TimeProvider.GetUtcNow();
        if (options.Delay is { } wait && (wait < TimeSpan.Zero || wait > DateTimeOffset.MaxValue - now))
        {
            throw new InvalidDispatchException(
                "DispatchOptions.Delay",
                $"DispatchOptions.Delay of job '{jobType}' is {wait}: it must be zero or more and end before the year 10000. Leave it null to run now, or use RunAt for a fixed time.");
        }

        if (options.MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxAttempts, "DispatchOptions.MaxAttempts must be at least 1.");
        }

        var queueName = options.QueueName ?? definition.Options.QueueName ?? jobType;
        JobRunners.Storage.StoredValues.Check(jobType, queueName, json, options.UniqueKey);
        var runAt = options.RunAt ?? (options.Delay is { } delay ? now + delay : (DateTimeOffset?)null);
        return new NewJobRequest
        {
            JobType = jobType,
            QueueName = queueName,
            Payload = json,
            MaxAttempts = options.MaxAttempts ?? (definition.Options.Retry ?? Services.Options.Retry).MaxAttempts,
            Priority = options.Priority,
            RunAt = runAt,
            UniqueKey = options.UniqueKey,
            LocksQueue = options.LocksQueue,
            Runner = Name,
            Dispatched = (AcceptsOnWrite || SendsOnWrite) && !IsDeferred(runAt),
        };
    }

    /// <summary>
    /// Writes new rows in one batch (<see cref="IJobStore.InsertManyAsync"/>), one result per row in order. Override
    /// to write them together with the backend's hand-over (see <see cref="SendsOnWrite"/>).
    /// </summary>
    protected virtual ValueTask<IReadOnlyList<InsertResult>> WriteJobsAsync(IReadOnlyList<NewJobRequest> jobs, CancellationToken cancellationToken) =>
        jobs.Count == 1 ? One(Services.Store.InsertAsync(jobs[0], cancellationToken)) : Services.Store.InsertManyAsync(jobs, cancellationToken);

    private static async ValueTask<IReadOnlyList<InsertResult>> One(ValueTask<InsertResult> insert) => [await insert.ConfigureAwait(false)];

    /// <summary>Hands a job's id to the backend. Throw if the backend did not accept it.</summary>
    protected abstract ValueTask SendJobAsync(JobRequest job, CancellationToken cancellationToken);

    /// <summary>Hands a validated task to the backend (or runs it, for the synchronous runner).</summary>
    protected abstract ValueTask SendTaskAsync(PreparedTask task, CancellationToken cancellationToken);

    /// <summary>Called after a job was accepted; returns the row the caller receives.</summary>
    protected virtual ValueTask<JobRequest> AfterDispatchAsync(JobRequest job, CancellationToken cancellationToken) => ValueTask.FromResult(job);

    /// <summary>Sends an already written row and marks it dispatched; a failed send keeps the row for the outbox.</summary>
    protected async ValueTask<JobRequest> SendAndMarkAsync(JobRequest job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        try
        {
            await SendJobAsync(job, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw AsDispatchFailure(job, ex);
        }

        if (AcceptsOnWrite || SendsOnWrite)
        {
            return job;
        }

        await MarkSentAsync([new JobDispatchMark(job.Id, job.Attempts)], cancellationToken).ConfigureAwait(false);
        return job with { DispatchedAt = Services.TimeProvider.GetUtcNow(), Runner = Name };
    }

    /// <summary>
    /// Records that the backend accepted rows. A failure is logged, not thrown: the backend has the jobs, so the
    /// caller must not dispatch them again; the outbox re-sends the unmarked rows and the claim runs each once.
    /// </summary>
    private protected async ValueTask MarkSentAsync(IReadOnlyList<JobDispatchMark> marks, CancellationToken cancellationToken)
    {
        try
        {
            await Services.Store.MarkDispatchedAsync(marks, Name, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            HostingLog.DispatchMarkFailed(Services.LoggerFactory.CreateLogger<JobRunnerBase>(), ex, Name, string.Join(", ", marks.Select(m => m.Id)));
        }
    }

    /// <summary>An error from a store that did not wrap its driver's exceptions (the shipped stores do).</summary>
    private protected static bool IsRawStoreError(Exception ex) => ex is not (JobRunnerException or OperationCanceledException or ArgumentException);

    /// <summary>A raw store error as the <see cref="JobStoreException"/> callers handle; whether the row was written is unknown.</summary>
    private protected JobStoreException StoreFailure(Exception error) => new(
        $"The {Services.Store.Name} job store failed while writing a row for the {Name} runner: {error.Message} The row may or may not have been written: " +
        "dispatch with a unique key (DispatchOptions.UniqueKey) to make repeating it safe.",
        error,
        rowMayExist: true);

    /// <summary>The error a caller sees when a written row was not accepted by the backend: it names the row.</summary>
    protected JobRunnerException AsDispatchFailure(JobRequest job, Exception error)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(error);
        return error is JobDispatchException { JobId: not null } known
            ? known
            : new JobDispatchException(
                $"Job {job.Id} ({job.JobType}) was saved, but the {Name} runner did not accept it: {error.Message} The row stays queued with no dispatched_at, and the outbox re-sends it once the backend is reachable.",
                job.Id,
                error);
    }

    /// <summary>True when a job due at <paramref name="runAt"/> waits in its row for the outbox instead of going to the backend now.</summary>
    protected bool IsDeferred(DateTimeOffset? runAt) =>
        runAt is { } due && MaxNativeDelay != TimeSpan.MaxValue && due - Services.TimeProvider.GetUtcNow() > MaxNativeDelay;

    private static readonly DispatchOptions Defaults = new();
}
