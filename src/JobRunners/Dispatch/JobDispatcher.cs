using JobRunners.Diagnostics;
using JobRunners.Hosting;
using JobRunners.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobRunners;

/// <summary>
/// The application's <see cref="IJobRunner"/>, the same for every runner, over the selected runner's
/// <see cref="IJobTransport"/>: validates payloads against the registry, writes the job row before handing the
/// transport the row, marks it dispatched once accepted, and keeps undispatched rows for the outbox when sending
/// fails. Maintenance hands rows over again through it (<see cref="RedispatchManyAsync"/>).
/// </summary>
internal sealed partial class JobDispatcher : IJobRunner
{
    private static readonly DispatchOptions Defaults = new();

    private readonly IJobTransport _transport;
    private readonly IJobRowWriter? _writer;
    private readonly JobRegistry _registry;
    private readonly IJobStore _store;
    private readonly JobRunnersOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<JobDispatcher> _logger;

    // The row is the queue: written already dispatched when due, and marked before maintenance sends it again.
    private readonly bool _acceptsOnWrite;

    public JobDispatcher(string name, IJobTransport transport, JobRegistry registry, IJobStore store, IOptions<JobRunnersOptions> options, TimeProvider time, ILogger<JobDispatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(transport);
        Name = name;
        _transport = transport;
        _writer = transport as IJobRowWriter;
        _registry = registry;
        _store = store;
        _options = options.Value;
        _time = time;
        _logger = logger;
        Traits = transport.Traits ?? JobTransportTraits.Default;
        _acceptsOnWrite = Traits.AcceptsOnWrite || _writer is not null;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>What the transport says about its backend; maintenance reads it too.</summary>
    public JobTransportTraits Traits { get; }

    /// <inheritdoc />
    public RunnerConfiguration CheckConfiguration() => _transport.CheckConfiguration(Name);

    /// <inheritdoc />
    public async ValueTask<JobRequest> DispatchJobAsync(string jobType, object payload, DispatchOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = PrepareJob(jobType, payload, options);
        using var activity = JobTracing.StartSend(Name, request.QueueName, jobType, null, null);
        try
        {
            var job = await DispatchOneAsync(WithTrace(request), cancellationToken).ConfigureAwait(false);
            activity?.SetTag(TelemetryTags.MessageId, job.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return job;
        }
        catch (Exception ex) when (JobTracing.Failed(activity, ex))
        {
            throw;
        }
    }

    private async ValueTask<JobRequest> DispatchOneAsync(NewJobRequest request, CancellationToken cancellationToken)
    {
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
        if (!inserted[0].Created)
        {
            JobMetrics.Count(JobMetrics.Deduplicated, job.JobType, job.QueueName, Name);
            return job with { Deduplicated = true };
        }

        if (IsDeferred(request.RunAt) || _writer is not null)
        {
            JobMetrics.Count(JobMetrics.Dispatched, job.JobType, job.QueueName, Name);
            return job;
        }

        job = await SendAndMarkAsync(job, cancellationToken).ConfigureAwait(false);
        JobMetrics.Count(JobMetrics.Dispatched, job.JobType, job.QueueName, Name);
        return await FinishedRowAsync(job, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DispatchTaskAsync(string taskName, object payload, CancellationToken cancellationToken = default)
    {
        var task = _registry.PrepareTask(taskName, payload);
        if (!JobRunnersTelemetry.Source.HasListeners() && !JobMetrics.Dispatched.Enabled)
        {
            // Nothing listens: hand the transport's own ValueTask back, with no state machine around it.
            task.CarryTrace(JobTracing.CurrentActivityContext());
            return _transport.SendTaskAsync(task, cancellationToken);
        }

        return SendObservedTaskAsync(task, cancellationToken);
    }

    private async ValueTask SendObservedTaskAsync(PreparedTask task, CancellationToken cancellationToken)
    {
        var stored = task.StoredName;
        using var activity = JobTracing.StartSend(Name, stored, stored, null, null);
        task.CarryTrace(JobTracing.CurrentActivityContext());
        try
        {
            await _transport.SendTaskAsync(task, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (JobTracing.Failed(activity, ex))
        {
            throw;
        }

        JobMetrics.Count(JobMetrics.Dispatched, stored, stored, Name);
    }

    /// <summary>The row with the trace context of the dispatch (the producer span, or the application's activity).</summary>
    private static NewJobRequest WithTrace(NewJobRequest request)
    {
        var (traceParent, traceState) = JobTracing.CurrentContext();
        return traceParent is null ? request : request with { TraceParent = traceParent, TraceState = traceState };
    }

    /// <summary>Validates a dispatch and builds the row to write: the payload bound and validated, options resolved.</summary>
    /// <exception cref="UnknownHandlerException">No job has that name.</exception>
    /// <exception cref="PayloadValidationException">The payload is invalid.</exception>
    private NewJobRequest PrepareJob(string jobType, object payload, DispatchOptions? options)
    {
        var definition = _registry.GetJob(jobType);
        var json = definition.PrepareJson(payload);
        options ??= Defaults;
        if (options.Delay is not null && options.RunAt is not null)
        {
            throw new ArgumentException("Set DispatchOptions.Delay or DispatchOptions.RunAt, not both.", nameof(options));
        }

        var now = _time.GetUtcNow();
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
        StoredValues.Check(jobType, queueName, json, options.UniqueKey);
        var (uniqueKey, uniqueFor) = Identity(definition, json, options);
        var runAt = options.RunAt ?? (options.Delay is { } delay ? now + delay : (DateTimeOffset?)null);
        return new NewJobRequest
        {
            JobType = jobType,
            QueueName = queueName,
            Payload = json,
            MaxAttempts = options.MaxAttempts ?? (definition.Options.Retry ?? _options.Retry).MaxAttempts,
            Priority = options.Priority,
            RunAt = runAt,
            UniqueKey = uniqueKey,
            UniqueFor = uniqueFor,
            UniquePerQueue = uniqueKey is not null && (options.UniquePerQueue || definition.Options.UniquePerQueue),
            LocksQueue = options.LocksQueue,
            Runner = Name,
            Dispatched = _acceptsOnWrite && !IsDeferred(runAt),
        };
    }

    /// <summary>
    /// The job's identity and how long it is held: the dispatch's key, else the payload's when the dispatch or the job
    /// type asks for it; the dispatch's period, else the job type's.
    /// </summary>
    /// <exception cref="InvalidDispatchException">Both a key and the payload are asked for, or a period has no identity or is out of range.</exception>
    private static (string? Key, TimeSpan? For) Identity(JobDefinition definition, string json, DispatchOptions options)
    {
        if (options.UniqueKey is not null && options.UniqueByPayload)
        {
            throw new InvalidDispatchException(
                "DispatchOptions.UniqueByPayload",
                $"Job '{definition.Name}' is dispatched with both DispatchOptions.UniqueKey and DispatchOptions.UniqueByPayload: set one (the key names the identity, the payload makes the data the identity).");
        }

        var key = options.UniqueKey
            ?? (options.UniqueByPayload || definition.Options.UniqueByPayload ? PayloadIdentity.Of(definition.Name, json) : null);
        var period = key is null ? options.UniqueFor : options.UniqueFor ?? definition.Options.UniqueFor;
        StoredValues.CheckUniqueFor(definition.Name, key, period);
        return (key, period);
    }

    /// <summary>
    /// Writes new rows in one batch, one result per row in order: through the transport when it writes rows itself
    /// (<see cref="IJobRowWriter"/>: the write is the send), else through the store.
    /// </summary>
    private ValueTask<IReadOnlyList<InsertResult>> WriteJobsAsync(List<NewJobRequest> jobs, CancellationToken cancellationToken) =>
        _writer is not null ? _writer.WriteJobsAsync(jobs, cancellationToken)
        : jobs.Count == 1 ? One(_store.InsertAsync(jobs[0], cancellationToken))
        : _store.InsertManyAsync(jobs, cancellationToken);

    private static async ValueTask<IReadOnlyList<InsertResult>> One(ValueTask<InsertResult> insert) => [await insert.ConfigureAwait(false)];

    /// <summary>Sends an already written row and marks it dispatched; a failed send keeps the row for the outbox.</summary>
    private async ValueTask<JobRequest> SendAndMarkAsync(JobRequest job, CancellationToken cancellationToken)
    {
        try
        {
            await _transport.SendJobAsync(job, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw AsDispatchFailure(job, ex);
        }

        if (_acceptsOnWrite)
        {
            return job;
        }

        await MarkSentAsync([new JobDispatchMark(job.Id, job.Attempts)], cancellationToken).ConfigureAwait(false);
        return job with { DispatchedAt = _time.GetUtcNow(), Runner = Name };
    }

    /// <summary>The row the caller receives for an accepted job: read again when the send ran it to its end.</summary>
    private async ValueTask<JobRequest> FinishedRowAsync(JobRequest job, CancellationToken cancellationToken) =>
        Traits.ReturnsFinishedRow ? await _store.GetAsync(job.Id, cancellationToken).ConfigureAwait(false) ?? job : job;

    /// <summary>
    /// Records that the backend accepted rows. A failure is logged, not thrown: the backend has the jobs, so the
    /// caller must not dispatch them again; the outbox re-sends the unmarked rows and the claim runs each once.
    /// </summary>
    private async ValueTask MarkSentAsync(IReadOnlyList<JobDispatchMark> marks, CancellationToken cancellationToken)
    {
        try
        {
            await _store.MarkDispatchedAsync(marks, Name, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            HostingLog.DispatchMarkFailed(_logger, ex, Name, string.Join(", ", marks.Select(m => m.Id)));
        }
    }

    /// <summary>An error from a store that did not wrap its driver's exceptions (the shipped stores do).</summary>
    private static bool IsRawStoreError(Exception ex) => ex is not (JobRunnerException or OperationCanceledException or ArgumentException);

    /// <summary>A raw store error as the <see cref="JobStoreException"/> callers handle; whether the row was written is unknown.</summary>
    private JobStoreException StoreFailure(Exception error) => new(
        $"The {_store.Name} job store failed while writing a row for the {Name} runner: {error.Message} The row may or may not have been written: " +
        "dispatch with a unique key (DispatchOptions.UniqueKey) to make repeating it safe.",
        error,
        rowMayExist: true);

    /// <summary>The error a caller sees when a written row was not accepted by the backend: it names the row.</summary>
    private JobDispatchException AsDispatchFailure(JobRequest job, Exception error) =>
        error is JobDispatchException { JobId: not null } known
            ? known
            : new JobDispatchException(
                $"Job {job.Id} ({job.JobType}) was saved, but the {Name} runner did not accept it: {error.Message} The row stays queued with no dispatched_at, and the outbox re-sends it once the backend is reachable.",
                job.Id,
                error);

    /// <summary>True when a job due at <paramref name="runAt"/> waits in its row for the outbox instead of going to the backend now.</summary>
    private bool IsDeferred(DateTimeOffset? runAt) =>
        runAt is { } due && Traits.MaxNativeDelay != TimeSpan.MaxValue && due - _time.GetUtcNow() > Traits.MaxNativeDelay;
}
