using System.Collections.Frozen;
using JobRunners.Diagnostics;
using JobRunners.Execution;
using JobRunners.Registry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobRunners.Extensibility;

/// <summary>
/// Runs jobs and tasks for every worker. A job runs only on a row this worker claimed (one claim statement for a
/// whole batch, <see cref="IJobStore.ClaimAsync"/>), so a message delivered twice runs its job once per attempt.
/// Each attempt ends in one <see cref="JobOutcome"/>: written to the row in batches (success, a retry at a
/// backed-off time, a failure with its error, a cancellation) and returned for the transport to act on.
/// </summary>
public sealed partial class JobExecutor : IDisposable
{
    private readonly JobRegistry _registry;
    private readonly IJobStore _store;
    private readonly IServiceProvider _services;
    private readonly JobRunnersOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly LeaseKeeper _leases;
    private readonly JobCompleter _completer;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Prefix, string Name), ILogger> _namedLoggers = new();
    private readonly FrozenSet<string> _served;
    private int _running;

    internal JobExecutor(JobRegistry registry, IJobStore store, IServiceProvider services, IOptions<JobRunnersOptions> options, TimeProvider time, ILoggerFactory loggers, WorkerHeartbeat heartbeat)
    {
        Heartbeat = heartbeat;
        _registry = registry;
        _store = store;
        _services = services;
        _options = options.Value;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<JobExecutor>();
        _leases = new LeaseKeeper(store, _options.WorkerId, time, _logger);
        _completer = new JobCompleter(store, _logger);
        ServedJobTypes = [.. registry.JobNames, .. registry.TaskNames.Select(TaskRows.JobType)];
        _served = ServedJobTypes.ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>This process's worker id, written to <c>locked_by</c> while it runs a job.</summary>
    public string WorkerId => _options.WorkerId;

    /// <summary>Where worker loops record each round, for the <c>jobrunners-worker</c> health check.</summary>
    public WorkerHeartbeat Heartbeat { get; }

    /// <summary>The stored job types this process can run: its jobs, and its tasks as durable task rows.</summary>
    public IReadOnlyList<string> ServedJobTypes { get; }

    /// <summary>Attempts started in this process whose outcome is not yet handed to the store.</summary>
    public int RunningCount => Volatile.Read(ref _running);

    /// <summary>
    /// Runs one attempt of a row this worker claimed (<see cref="IJobStore.ClaimAsync"/> with this
    /// <see cref="WorkerId"/>): the handler in a fresh dependency-injection scope, its lease kept by the heartbeat,
    /// its outcome written to the row. Returns once the outcome is written. A job type's hooks run as they say.
    /// Never throws for a failing handler; only a store that stays unreachable escapes.
    /// </summary>
    /// <param name="claimed">The claimed row (status running, locked by this worker).</param>
    /// <param name="options">How to treat retries.</param>
    /// <param name="stoppingToken">Signalled when the worker stops: the attempt is interrupted and the row released.</param>
    public async ValueTask<JobOutcome> ExecuteClaimedAsync(JobRequest claimed, JobExecutionOptions options = default, CancellationToken stoppingToken = default)
    {
        ArgumentNullException.ThrowIfNull(claimed);

        // Every line logged during the attempt, the handler's included, carries the job's id, type and attempt. The
        // heartbeat and the completer serve all attempts, so they start without it (SharedWork).
        using var scope = _logger.BeginScope(new AttemptLogScope(claimed));
        var isTask = TaskRows.IsTask(claimed.JobType);
        var definition = isTask ? null : _registry.FindJob(claimed.JobType);
        var length = definition?.Options.Lease ?? _options.Lease;
        var every = definition?.Options.Lease is { } typeLease ? typeLease / 3 : _options.EffectiveHeartbeat;
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        using var lease = _leases.Keep(claimed.Id, length, every, extendNow: length != _options.Lease, attempt.Cancel);

        // The attempt continues the dispatch's trace, stored with the row: on any runner, in any process, each attempt
        // a consumer span of its own under the same producer span.
        using var activity = JobTracing.StartProcess(claimed.QueueName, claimed.JobType, claimed.Id, claimed.Attempts, claimed.Runner, claimed.TraceParent, claimed.TraceState);
        JobMetrics.RecordQueueWait((claimed.StartedAt ?? _time.GetUtcNow()) - claimed.RunAt, claimed.JobType, claimed.QueueName, claimed.Runner);
        var started = _time.GetTimestamp();

        // Counted from here, before the attempt starts: while an attempt of a claimed batch has yet to finish, the
        // completer keeps gathering outcomes instead of writing each on its own.
        Interlocked.Increment(ref _running);
        JobOutcome outcome;
        Exception? error;
        string? result;
        bool last;
        try
        {
            // The attempt runs on the thread pool, so a caller starting a batch is never held up by a handler.
            await Task.Yield();
            (error, result) = isTask
                ? await RunTaskRowAsync(claimed, attempt.Token).ConfigureAwait(false)
                : await RunJobAsync(claimed, definition, lease, attempt.Token).ConfigureAwait(false);
            outcome = lease.IsLost ? JobOutcome.LeaseLost : await DecideAsync(claimed, definition, error, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            last = Interlocked.Decrement(ref _running) == 0;
        }

        var elapsed = _time.GetElapsedTime(started);
        if (outcome.Kind == JobOutcomeKind.LeaseLost)
        {
            var (why, cancelled) = await ReadRefusalAsync(claimed.Id).ConfigureAwait(false);
            ExecutorLog.AttemptLostLease(_logger, error, claimed.Id, claimed.JobType, claimed.Attempts, why);
            RecordAttempt(activity, claimed, cancelled ? JobOutcome.Cancelled(why) : outcome, error, elapsed);
            return outcome;
        }

        LogOutcome(claimed, outcome, error);
        var completion = new JobCompletion(claimed.Id, WorkerId, outcome)
        {
            ResultMessage = result,
            ReturnToOutbox = options.ReturnRetriesToOutbox,
            DeleteOnSuccess = isTask,
        };
        if (!await _completer.CompleteAsync(completion, now: last).ConfigureAwait(false))
        {
            var (why, cancelled) = await ReadRefusalAsync(claimed.Id).ConfigureAwait(false);
            ExecutorLog.AttemptResultRefused(_logger, claimed.Id, claimed.JobType, claimed.Attempts, outcome.Kind, WorkerId, why);
            RecordAttempt(activity, claimed, cancelled ? JobOutcome.Cancelled(why) : JobOutcome.LeaseLost, error, elapsed);
            return JobOutcome.LeaseLost;
        }

        RecordAttempt(activity, claimed, outcome, error, elapsed);

        if (outcome.Kind == JobOutcomeKind.Failed && error is not null && definition?.Options.OnExhausted is { } onExhausted)
        {
            await CallHookAsync("OnExhausted", claimed, () => onExhausted(new JobFailure(claimed, error, null), CancellationToken.None)).ConfigureAwait(false);
        }

        return outcome;
    }

    /// <summary>
    /// Runs a task: a handler class in a fresh dependency-injection scope, a delegate directly. The handler's
    /// exception reaches the caller.
    /// </summary>
    public async ValueTask ExecuteTaskAsync(PreparedTask task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);

        // A task has no row: its execution continues the trace its dispatch put on it (or in its envelope).
        var stored = task.StoredName;
        using var activity = JobTracing.StartProcess(stored, stored, null, 1, null, task.TraceContext);
        var started = _time.GetTimestamp();
        try
        {
            await RunTaskAsync(task, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            var kind = ex is OperationCanceledException && cancellationToken.IsCancellationRequested ? JobOutcomeKind.Released : JobOutcomeKind.Failed;
            RecordTask(activity, stored, kind, ex, _time.GetElapsedTime(started));
            throw;
        }

        RecordTask(activity, stored, JobOutcomeKind.Succeeded, null, _time.GetElapsedTime(started));
    }

    /// <summary>Runs a task without a span of its own (a task row's attempt has one).</summary>
    private async ValueTask RunTaskAsync(PreparedTask task, CancellationToken cancellationToken)
    {
        var logger = LoggerFor("JobRunners.Tasks.", task.Name);
        if (!task.Definition.InScope)
        {
            await task.Definition.RunAsync(task.Payload, _services, new TaskContext(task.Name, logger, _services, cancellationToken), cancellationToken).ConfigureAwait(false);
            return;
        }

        var scope = _services.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var context = new TaskContext(task.Name, logger, scope.ServiceProvider, cancellationToken);
            await task.Definition.RunAsync(task.Payload, scope.ServiceProvider, context, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _leases.Dispose();

    private async ValueTask<(Exception? Error, string? Result)> RunJobAsync(JobRequest job, JobDefinition? definition, LeaseKeeper.Lease lease, CancellationToken token)
    {
        var logger = LoggerFor("JobRunners.Jobs.", job.JobType);
        JobContext? context = null;
        try
        {
            var handler = definition ?? _registry.GetJob(job.JobType);
            if (!handler.InScope)
            {
                context = new JobContext(job, _store, WorkerId, logger, _services, lease, token);
                await handler.RunAsync(job.Payload, _services, context, token).ConfigureAwait(false);
                return (null, context.Result);
            }

            var scope = _services.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                context = new JobContext(job, _store, WorkerId, logger, scope.ServiceProvider, lease, token);
                await handler.RunAsync(job.Payload, scope.ServiceProvider, context, token).ConfigureAwait(false);
            }

            return (null, context.Result);
        }
#pragma warning disable CA1031 // Any exception a handler throws is recorded in its row; none may escape the worker.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return (ex, context?.Result);
        }
    }

    private async ValueTask<(Exception? Error, string? Result)> RunTaskRowAsync(JobRequest row, CancellationToken token)
    {
        try
        {
            var envelope = JobEnvelope.Parse(row.Payload);
            await RunTaskAsync(_registry.ReadTask(envelope.Name, envelope.Payload ?? "null"), token).ConfigureAwait(false);
            return (null, null);
        }
#pragma warning disable CA1031 // A failing task is retried by the retry policy and kept as a failed row when it runs out.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return (ex, null);
        }
    }

    private async ValueTask<JobOutcome> DecideAsync(JobRequest job, JobDefinition? definition, Exception? error, CancellationToken stoppingToken)
    {
        switch (error)
        {
            case null:
                return JobOutcome.Succeeded;
            case OperationCanceledException when stoppingToken.IsCancellationRequested:
                // Only the worker's own stop releases an attempt. A cancelled row ends the attempt through its lease
                // (LeaseLost, decided before this); any other cancellation (an HttpClient timeout, a handler's own
                // token) is a failure like any other, retried under the policy and seen by OnError.
                return JobOutcome.Released;
            case PayloadValidationException or MalformedEnvelopeException or UnknownHandlerException when TaskRows.IsTask(job.JobType):
            case PayloadValidationException:
                // The stored payload no longer fits the registered type: no retry can fix that.
                return JobOutcome.Failed(Describe(error));
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

        return retryAt is { } at ? JobOutcome.Retry(at, Describe(error)) : JobOutcome.Failed(Describe(error));
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
            ExecutorLog.HookFailed(_logger, ex, hook, job.JobType, job.Id);
        }
    }

    private void LogOutcome(JobRequest job, JobOutcome outcome, Exception? error)
    {
        switch (outcome.Kind)
        {
            case JobOutcomeKind.Succeeded:
                ExecutorLog.AttemptSucceeded(_logger, job.Id, job.JobType, job.Attempts);
                break;
            case JobOutcomeKind.Retry:
                ExecutorLog.AttemptFailedRetrying(_logger, error, job.Id, job.JobType, job.Attempts, job.MaxAttempts, outcome.RetryAt);
                break;
            case JobOutcomeKind.Failed when job.Attempts >= job.MaxAttempts:
                ExecutorLog.AttemptFailedFinally(_logger, error, job.Id, job.JobType, job.Attempts, job.MaxAttempts);
                break;
            case JobOutcomeKind.Failed:
                ExecutorLog.AttemptFailedNotRetried(_logger, error, job.Id, job.JobType, job.Attempts, job.MaxAttempts);
                break;
            default:
                ExecutorLog.AttemptEnded(_logger, job.Id, job.JobType, job.Attempts, outcome.Kind);
                break;
        }
    }

    /// <summary>Ends an attempt's span and records its metrics.</summary>
    private static void RecordAttempt(System.Diagnostics.Activity? activity, JobRequest job, JobOutcome outcome, Exception? error, TimeSpan elapsed)
    {
        JobTracing.End(activity, outcome, error);
        JobMetrics.CountOutcome(outcome.Kind, job.JobType, job.QueueName, job.Runner);
        JobMetrics.RecordDuration(elapsed, outcome.Kind, job.JobType, job.QueueName, job.Runner);
    }

    private static void RecordTask(System.Diagnostics.Activity? activity, string storedName, JobOutcomeKind kind, Exception? error, TimeSpan elapsed)
    {
        JobTracing.End(activity, new JobOutcome(kind), error);
        JobMetrics.CountOutcome(kind, storedName, storedName, null);
        JobMetrics.RecordDuration(elapsed, kind, storedName, storedName, null);
    }

    private ILogger LoggerFor(string prefix, string name) =>
        _namedLoggers.GetOrAdd((prefix, name), static (key, factory) => factory.CreateLogger(key.Prefix + key.Name), _loggers);

    internal static string Describe(Exception error) => $"{error.GetType().FullName}: {error.Message}";
}
