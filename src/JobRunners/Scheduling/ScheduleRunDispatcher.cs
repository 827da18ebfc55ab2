using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JobRunners.Scheduling;

/// <summary>
/// Handles one due schedule for the leader: finishes a run its predecessor left unconfirmed, waits for the previous
/// run when the schedule forbids overlap, claims the run (compare-and-set on its due time, fenced by the lease) and
/// dispatches it through the active runner with the run's unique key.
/// </summary>
internal sealed class ScheduleRunDispatcher
{
    private readonly IScheduleStore _store;
    private readonly IJobStore _jobs;
    private readonly IJobRunner _runner;
    private readonly JobRegistry _registry;
    private readonly Dictionary<string, Schedule> _codeSchedules;
    private readonly ILogger<ScheduleRunDispatcher> _logger;
    private readonly TimeSpan _catchUpWindow;

    // Problems that repeat every round are logged once per schedule until they clear.
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

    public ScheduleRunDispatcher(IScheduleStore store, IJobStore jobs, IJobRunner runner, JobRegistry registry, IEnumerable<RecurringRegistration> registrations, IOptions<RecurringSchedulerOptions> options, ILogger<ScheduleRunDispatcher> logger)
    {
        _catchUpWindow = options.Value.CatchUpWindow;
        _store = store;
        _jobs = jobs;
        _runner = runner;
        _registry = registry;
        _codeSchedules = registrations.Where(r => r.Job.Schedule.Kind == ScheduleKind.Code)
            .ToDictionary(r => r.Job.Tag, r => r.Job.Schedule, StringComparer.Ordinal);
        _logger = logger;
    }

    /// <summary>Acts on one schedule from <see cref="IScheduleStore.ListDueAsync"/>. True when a run was dispatched.</summary>
    public async ValueTask<bool> ProcessAsync(JobSchedule schedule, DateTimeOffset now, string holder, CancellationToken cancellationToken)
    {
        if (!_registry.HasJob(schedule.JobType))
        {
            if (_warned.Add(schedule.Tag))
            {
                SchedulingLog.JobTypeNotServed(_logger, schedule.Tag, schedule.JobType);
            }

            return false;
        }

        if (schedule.PendingRunAt is { } pending)
        {
            return await FinishPendingAsync(schedule, pending, cancellationToken).ConfigureAwait(false);
        }

        if (schedule.NextRunAt is not { } due || !await PreviousRunFinishedAsync(schedule, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        DateTimeOffset? next;
        DateTimeOffset? skippedFrom;
        try
        {
            var timing = TimingOf(schedule);
            // A schedule that forbids overlap never builds a backlog: runs that fell due while it waited collapse.
            next = timing.NextAfter(due, now, schedule.NoOverlap ? TimeSpan.Zero : _catchUpWindow);
            skippedFrom = timing.GetNextRun(due) is { } regular && regular < next ? regular : null;
        }
        catch (InvalidScheduleException ex)
        {
            if (_warned.Add(schedule.Tag))
            {
                SchedulingLog.NextRunNotComputable(_logger, ex, schedule.Tag, due);
            }

            return false;
        }

        _warned.Remove(schedule.Tag);

        // The claim moves next_run_at from the value read to the next one and marks this run pending, in one
        // compare-and-set; a second leader (or a stale one) updates nothing and dispatches nothing.
        if (!await _store.TryClaimRunAsync(new ScheduleClaim(schedule.Tag, due, next, holder), cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        if (skippedFrom is { } firstSkipped)
        {
            SchedulingLog.MissedRunsSkipped(_logger, schedule.Tag, due, schedule.NoOverlap ? " (no overlap: it waited for the previous run)" : $" ({_catchUpWindow})", firstSkipped, next);
        }

        await DispatchAsync(schedule, due, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async ValueTask<bool> FinishPendingAsync(JobSchedule schedule, DateTimeOffset pending, CancellationToken cancellationToken)
    {
        // A previous leader claimed this run and stopped before confirming it: it may or may not have written the
        // job row. The run's unique key tells which; only a missing row is dispatched again.
        var existing = await _store.FindJobByUniqueKeyAsync(schedule.JobType, RunKey.For(schedule.Tag, pending), cancellationToken).ConfigureAwait(false);
        if (existing is { } jobId)
        {
            await _store.CompleteRunAsync(schedule.Tag, pending, jobId, null, cancellationToken).ConfigureAwait(false);
            SchedulingLog.PendingRunConfirmed(_logger, schedule.Tag, pending, jobId);
            return false;
        }

        SchedulingLog.PendingRunDispatchedAgain(_logger, schedule.Tag, pending);
        await DispatchAsync(schedule, pending, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async ValueTask<bool> PreviousRunFinishedAsync(JobSchedule schedule, CancellationToken cancellationToken)
    {
        if (!schedule.NoOverlap || schedule.LastJobId is not { } lastJobId)
        {
            return true;
        }

        // A pruned row finished long ago.
        var previous = await _jobs.GetAsync(lastJobId, cancellationToken).ConfigureAwait(false);
        return previous is null || previous.Status.IsFinal();
    }

    /// <summary>
    /// Dispatches one run of the schedule's job with the schedule's payload, queue, priority and attempts: a scheduled
    /// run (with its run key) or an operator's extra run (<see cref="IRecurringJobs.TriggerAsync"/>, no key).
    /// </summary>
    internal static async ValueTask<JobRequest> DispatchRunAsync(IJobRunner runner, JobSchedule schedule, string? uniqueKey, CancellationToken cancellationToken)
    {
        var options = new DispatchOptions
        {
            QueueName = schedule.QueueName,
            Priority = schedule.Priority,
            MaxAttempts = schedule.MaxAttempts,
            UniqueKey = uniqueKey,
        };
        using var payload = JsonDocument.Parse(schedule.Payload);
        return await runner.DispatchJobAsync(schedule.JobType, payload.RootElement.Clone(), options, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask DispatchAsync(JobSchedule schedule, DateTimeOffset due, CancellationToken cancellationToken)
    {
        long? jobId = null;
        string? failure = null;
        try
        {
            var job = await DispatchRunAsync(_runner, schedule, RunKey.For(schedule.Tag, due), cancellationToken).ConfigureAwait(false);
            jobId = job.Id;
            SchedulingLog.RunDispatched(_logger, schedule.Tag, due, job.Id);
        }
        catch (JobDispatchException ex) when (ex.JobId is { } written)
        {
            // The row exists; the outbox hands it to the runner once the backend is reachable.
            jobId = written;
            SchedulingLog.RunNotYetAccepted(_logger, ex, schedule.Tag, written);
        }
        catch (Exception ex) when (ex is UnknownHandlerException or PayloadValidationException or ArgumentException or JsonException)
        {
            // The registry changed since the schedule was defined: retrying cannot help, so the run is recorded as failed.
            failure = $"{ex.GetType().Name}: {ex.Message}";
            SchedulingLog.RunNotDispatchable(_logger, ex, schedule.Tag, due);
        }

        // Any other error (store or backend unreachable) leaves the run pending: the next round finishes it.
        await _store.CompleteRunAsync(schedule.Tag, due, jobId, failure, cancellationToken).ConfigureAwait(false);
    }

    private Schedule TimingOf(JobSchedule schedule) => schedule.Kind == ScheduleKind.Code
        ? _codeSchedules.GetValueOrDefault(schedule.Tag)
            ?? throw new InvalidScheduleException($"Recurring job '{schedule.Tag}' uses a next-run function that this process does not register with AddRecurring.")
        : Schedule.FromStored(schedule);
}
