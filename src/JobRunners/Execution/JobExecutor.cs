using JobRunners.Execution;
using JobRunners.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobRunners;

/// <summary>
/// Runs jobs and tasks for every worker. A job runs only after this worker wins the atomic claim on its row, so a
/// message delivered twice runs its job once per attempt. The outcome is written to the row: success, a retry at
/// a backed-off time, a failure with its error, or a cancellation.
/// </summary>
public sealed class JobExecutor
{
    private static readonly TimeSpan QueueLockedRetry = TimeSpan.FromSeconds(1);

    private readonly JobRegistry _registry;
    private readonly IJobStore _store;
    private readonly IServiceProvider _services;
    private readonly JobRunnersOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly Func<IJobRunner> _runner;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Prefix, string Name), ILogger> _namedLoggers = new();

    internal JobExecutor(JobRegistry registry, IJobStore store, IServiceProvider services, IOptions<JobRunnersOptions> options, TimeProvider time, ILoggerFactory loggers)
    {
        _registry = registry;
        _store = store;
        _services = services;
        _options = options.Value;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<JobExecutor>();
        _runner = services.GetRequiredService<IJobRunner>;
    }

    /// <summary>This process's worker id, written to <c>locked_by</c> while it runs a job.</summary>
    public string WorkerId => _options.WorkerId;

    /// <summary>Claims the row and, if this worker wins it, runs one attempt of the job.</summary>
    /// <param name="jobId">The row id.</param>
    /// <param name="stoppingToken">Signalled when the worker stops: the attempt is interrupted and the row released.</param>
    public ValueTask<ExecutionOutcome> ExecuteJobAsync(long jobId, CancellationToken stoppingToken = default) =>
        ExecuteJobAsync(jobId, default, stoppingToken);

    /// <summary>Claims the row and runs one attempt, as <paramref name="options"/> say.</summary>
    public async ValueTask<ExecutionOutcome> ExecuteJobAsync(long jobId, JobExecutionOptions options, CancellationToken stoppingToken = default)
    {
        var claim = await _store.TryClaimAsync(jobId, new JobClaim(WorkerId, _options.Lease, options.IgnoreRunAt), stoppingToken).ConfigureAwait(false);
        return claim.Status switch
        {
            ClaimStatus.Claimed => await RunClaimedAsync(claim.Job!, options, stoppingToken).ConfigureAwait(false),
            ClaimStatus.NotDue => new ExecutionOutcome(ExecutionStatus.NotDue, jobId, claim.Job, claim.Job!.RunAt),
            ClaimStatus.QueueLocked => new ExecutionOutcome(ExecutionStatus.QueueLocked, jobId, claim.Job, _time.GetUtcNow() + QueueLockedRetry),
            ClaimStatus.NotQueued => new ExecutionOutcome(ExecutionStatus.NotQueued, jobId, claim.Job),
            _ => new ExecutionOutcome(ExecutionStatus.NotFound, jobId, null),
        };
    }

    /// <summary>Runs a task in a fresh dependency-injection scope. The handler's exception reaches the caller.</summary>
    public async ValueTask ExecuteTaskAsync(PreparedTask task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        var scope = _services.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var context = new TaskContext(task.Name, LoggerFor("JobRunners.Tasks.", task.Name), _runner, cancellationToken);
            await task.Definition.RunAsync(task.Payload, scope.ServiceProvider, context, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Handles one message from a queue: parses the envelope, runs its job (claim first) or task, and says what to
    /// do with the message. Never throws for bad messages or failing handlers; only a store outage escapes.
    /// </summary>
    /// <param name="message">The message body.</param>
    /// <param name="stoppingToken">Signalled when the worker stops.</param>
    public ValueTask<EnvelopeOutcome> ExecuteEnvelopeAsync(string message, CancellationToken stoppingToken = default) =>
        ExecuteEnvelopeAsync(message, default, stoppingToken);

    /// <summary>Handles one message as <see cref="ExecuteEnvelopeAsync(string, CancellationToken)"/>, with options for the job it carries.</summary>
    public async ValueTask<EnvelopeOutcome> ExecuteEnvelopeAsync(string message, JobExecutionOptions options, CancellationToken stoppingToken = default)
    {
        JobEnvelope envelope;
        try
        {
            envelope = JobEnvelope.Parse(message);
        }
        catch (MalformedEnvelopeException ex)
        {
            _logger.LogError("Parking a message that is not a job envelope: {Reason}", ex.Reason);
            return new EnvelopeOutcome(MessageAction.Park, Reason: ex.Message);
        }

        if (envelope.Kind == EnvelopeKind.Job)
        {
            var outcome = await ExecuteJobAsync(envelope.JobId!.Value, options, stoppingToken).ConfigureAwait(false);
            return outcome.Acknowledge
                ? new EnvelopeOutcome(MessageAction.Delete, Execution: outcome)
                : new EnvelopeOutcome(MessageAction.RetryLater, outcome.RetryAt, outcome.Status.ToString(), outcome);
        }

        PreparedTask task;
        try
        {
            task = _registry.ReadTask(envelope.Name, envelope.Payload!);
        }
        catch (JobRunnerException ex) when (ex is UnknownHandlerException or PayloadValidationException)
        {
            _logger.LogError("Parking task message '{Task}': {Reason}", envelope.Name, ex.Message);
            return new EnvelopeOutcome(MessageAction.Park, Reason: ex.Message);
        }

        try
        {
            await ExecuteTaskAsync(task, stoppingToken).ConfigureAwait(false);
            return new EnvelopeOutcome(MessageAction.Delete);
        }
#pragma warning disable CA1031 // A failing task is retried by the queue's redelivery; it must not stop the worker.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogError(ex, "Task '{Task}' failed; the queue delivers it again until its maximum receive count.", task.Name);
            return new EnvelopeOutcome(MessageAction.RetryLater, Reason: Describe(ex));
        }
    }

    private async ValueTask<ExecutionOutcome> RunClaimedAsync(JobRequest job, JobExecutionOptions options, CancellationToken stoppingToken)
    {
        var definition = _registry.FindJob(job.JobType);
        var lease = definition?.Options.Lease ?? _options.Lease;
        var heartbeatEvery = definition?.Options.Lease is { } typeLease ? typeLease / 3 : _options.EffectiveHeartbeat;

        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        using var heartbeatStop = new CancellationTokenSource();
        var leaseLost = 0;
        void OnLeaseLost()
        {
            if (Interlocked.Exchange(ref leaseLost, 1) == 0)
            {
                attempt.Cancel();
            }
        }

        var logger = LoggerFor("JobRunners.Jobs.", job.JobType);
        var context = new JobContext(job, _store, WorkerId, logger, _runner, OnLeaseLost, attempt.Token);
        var heartbeat = HeartbeatAsync(job.Id, lease, heartbeatEvery, OnLeaseLost, heartbeatStop.Token);
        Exception? error = null;
        try
        {
            if (lease != _options.Lease)
            {
                await context.ExtendLeaseAsync(lease, attempt.Token).ConfigureAwait(false);
            }

            var handler = definition ?? _registry.GetJob(job.JobType);
            var scope = _services.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                await handler.RunAsync(job.Payload, scope.ServiceProvider, context, attempt.Token).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // Any exception a handler throws is recorded in its row; none may escape the worker.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            error = ex;
        }
        finally
        {
            await heartbeatStop.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(false);
        }

        if (Volatile.Read(ref leaseLost) == 1)
        {
            _logger.LogWarning("Job {JobId} ({JobType}) lost its lease during attempt {Attempt}: it was cancelled, or its lease lapsed and another worker took it.", job.Id, job.JobType, job.Attempts);
            return new ExecutionOutcome(ExecutionStatus.LeaseLost, job.Id, job);
        }

        var (result, status) = await DecideAsync(job, definition, error, context.Result, stoppingToken).ConfigureAwait(false);
        if (options.ReturnRetriesToOutbox)
        {
            result = result with { ReturnToOutbox = true };
        }

        LogOutcome(job, status, error, result.RetryAt);
        var written = await _store.FinishAttemptAsync(job.Id, WorkerId, result, CancellationToken.None).ConfigureAwait(false);
        if (written && status == ExecutionStatus.Failed && error is not null && definition?.Options.OnExhausted is { } onExhausted)
        {
            await CallHookAsync("OnExhausted", job, () => onExhausted(new JobFailure(job, error, null), CancellationToken.None)).ConfigureAwait(false);
        }

        return written
            ? new ExecutionOutcome(status, job.Id, job, status is ExecutionStatus.RetryScheduled or ExecutionStatus.Released ? result.RetryAt ?? _time.GetUtcNow() : null)
            : new ExecutionOutcome(ExecutionStatus.LeaseLost, job.Id, job);
    }

    private async ValueTask<(AttemptResult Result, ExecutionStatus Status)> DecideAsync(JobRequest job, Registry.JobDefinition? definition, Exception? error, string? resultMessage, CancellationToken stoppingToken)
    {
        switch (error)
        {
            case null:
                return (new AttemptResult { Outcome = AttemptOutcome.Succeeded, ResultMessage = resultMessage }, ExecutionStatus.Succeeded);
            case OperationCanceledException when stoppingToken.IsCancellationRequested:
                return (new AttemptResult { Outcome = AttemptOutcome.Released, RetryAt = _time.GetUtcNow() }, ExecutionStatus.Released);
            case OperationCanceledException:
                return (new AttemptResult { Outcome = AttemptOutcome.Cancelled, ResultMessage = resultMessage, Error = Describe(error) }, ExecutionStatus.Cancelled);
            case PayloadValidationException:
                // The stored payload no longer fits the registered type: no retry can fix that.
                return (Failed(), ExecutionStatus.Failed);
        }

        var policy = definition?.Options.Retry ?? _options.Retry;
        DateTimeOffset? retryAt = job.Attempts < job.MaxAttempts
            ? _time.GetUtcNow() + policy.DelayAfter(job.Attempts, Random.Shared.NextDouble())
            : null;
        if (definition?.Options.OnError is { } onError)
        {
            var decision = RetryDecision.UsePolicy;
            await CallHookAsync("OnError", job, async () => decision = await onError(new JobFailure(job, error, retryAt), CancellationToken.None).ConfigureAwait(false)).ConfigureAwait(false);
            retryAt = decision.GiveUp ? null : decision.At ?? retryAt;
        }

        return retryAt is { } at
            ? (new AttemptResult { Outcome = AttemptOutcome.Retry, ResultMessage = resultMessage, Error = Describe(error), RetryAt = at }, ExecutionStatus.RetryScheduled)
            : (Failed(), ExecutionStatus.Failed);

        AttemptResult Failed() => new() { Outcome = AttemptOutcome.Failed, ResultMessage = resultMessage, Error = Describe(error) };
    }

    /// <summary>Runs a per-type hook; a hook's exception is logged and never changes the job's fate beyond its own decision.</summary>
    internal async ValueTask CallHookAsync(string hook, JobRequest job, Func<ValueTask> call)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failing hook is the user's bug; it is logged, and the job's row still gets its outcome.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogError(ex, "The {Hook} hook of job type {JobType} threw for job {JobId}; ignoring it.", hook, job.JobType, job.Id);
        }
    }

    private async Task HeartbeatAsync(long jobId, TimeSpan lease, TimeSpan every, Action onLeaseLost, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(every, _time, stop).ConfigureAwait(false);
                if (!await _store.ExtendLeaseAsync(jobId, WorkerId, lease, stop).ConfigureAwait(false))
                {
                    onLeaseLost();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The attempt ended.
        }
#pragma warning disable CA1031 // A failed heartbeat must not crash the worker; the lease may lapse and be rescued.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogWarning(ex, "Could not extend the lease of job {JobId}; if the store stays unreachable the lease lapses and the job is rescued.", jobId);
        }
    }

    private void LogOutcome(JobRequest job, ExecutionStatus status, Exception? error, DateTimeOffset? retryAt)
    {
        switch (status)
        {
            case ExecutionStatus.Succeeded:
                _logger.LogDebug("Job {JobId} ({JobType}) succeeded on attempt {Attempt}.", job.Id, job.JobType, job.Attempts);
                break;
            case ExecutionStatus.RetryScheduled:
                _logger.LogWarning(error, "Job {JobId} ({JobType}) failed attempt {Attempt} of {MaxAttempts}; retrying at {RetryAt:O}.", job.Id, job.JobType, job.Attempts, job.MaxAttempts, retryAt);
                break;
            case ExecutionStatus.Failed:
                _logger.LogError(error, "Job {JobId} ({JobType}) failed on attempt {Attempt} of {MaxAttempts}; no attempts remain.", job.Id, job.JobType, job.Attempts, job.MaxAttempts);
                break;
            default:
                _logger.LogInformation("Job {JobId} ({JobType}) ended attempt {Attempt} as {Status}.", job.Id, job.JobType, job.Attempts, status);
                break;
        }
    }

    private ILogger LoggerFor(string prefix, string name) =>
        _namedLoggers.GetOrAdd((prefix, name), static (key, factory) => factory.CreateLogger(key.Prefix + key.Name), _loggers);

    internal static string Describe(Exception error) => $"{error.GetType().FullName}: {error.Message}";
}
