using Microsoft.Extensions.Logging;

namespace JobRunners.Scheduling;

/// <summary>
/// <see cref="IRecurringJobs"/> over the schedule store: validates definitions against the registry and computes
/// their first run, then leaves dispatch to the <see cref="RecurringScheduler"/>.
/// </summary>
internal sealed class RecurringJobs : IRecurringJobs
{
    private const int MaxTagLength = 200;

    private readonly IScheduleStore _store;
    private readonly JobRegistry _registry;
    private readonly TimeProvider _time;
    private readonly ScheduleChanges _changes;
    private readonly IJobRunner _runner;
    private readonly ILogger<RecurringJobs> _logger;

    public RecurringJobs(IScheduleStore store, JobRegistry registry, TimeProvider time, ScheduleChanges changes, IJobRunner runner, ILogger<RecurringJobs> logger)
    {
        _runner = runner;
        _logger = logger;
        _store = store;
        _registry = registry;
        _time = time;
        _changes = changes;
    }

    public async ValueTask<JobSchedule> AddOrUpdateAsync(RecurringJob job, CancellationToken cancellationToken = default)
    {
        var definition = Define(job, definedInCode: false);
        var result = await _store.UpsertAsync(definition, cancellationToken).ConfigureAwait(false);
        _changes.Notify();
        return result.Schedule;
    }

    public ValueTask<JobSchedule?> GetAsync(string tag, CancellationToken cancellationToken = default) =>
        _store.GetAsync(tag, cancellationToken);

    public ValueTask<IReadOnlyList<JobSchedule>> ListAsync(CancellationToken cancellationToken = default) =>
        _store.ListAsync(cancellationToken);

    public ValueTask<bool> PauseAsync(string tag, CancellationToken cancellationToken = default) =>
        Changed(_store.SetPausedAsync(tag, paused: true, cancellationToken));

    public ValueTask<bool> ResumeAsync(string tag, CancellationToken cancellationToken = default) =>
        Changed(_store.SetPausedAsync(tag, paused: false, cancellationToken));

    public async ValueTask<JobRequest?> TriggerAsync(string tag, CancellationToken cancellationToken = default)
    {
        var schedule = await _store.GetAsync(tag, cancellationToken).ConfigureAwait(false);
        if (schedule is null)
        {
            return null;
        }

        var job = await ScheduleRunDispatcher.DispatchRunAsync(_runner, schedule, uniqueKey: null, cancellationToken).ConfigureAwait(false);
        SchedulingLog.Triggered(_logger, tag, job.Id);
        return job;
    }

    public ValueTask<bool> DeleteAsync(string tag, CancellationToken cancellationToken = default) =>
        Changed(_store.DeleteAsync(tag, cancellationToken));

    private async ValueTask<bool> Changed(ValueTask<bool> change)
    {
        var changed = await change.ConfigureAwait(false);
        _changes.Notify();
        return changed;
    }

    /// <summary>Validates a recurring job and turns it into what the store writes.</summary>
    /// <param name="job">The definition.</param>
    /// <param name="definedInCode">True for <c>AddRecurring</c> registrations, the only place a next-run function may come from.</param>
    internal ScheduleDefinition Define(RecurringJob job, bool definedInCode)
    {
        ArgumentNullException.ThrowIfNull(job);
        ValidateTag(job.Tag);
        if (job.Schedule is null)
        {
            throw new InvalidScheduleException($"Recurring job '{job.Tag}' has no schedule: use Schedule.Every, Schedule.Cron or Schedule.Custom.");
        }

        if (job.Schedule.Kind == ScheduleKind.Code && !definedInCode)
        {
            throw new InvalidScheduleException(
                $"Recurring job '{job.Tag}' uses a next-run function, which cannot be stored: define it in code with AddRecurring in AddJobRunners so every process registers it, or use Schedule.Every or Schedule.Cron.");
        }

        if (job.MaxExecutions < 0)
        {
            throw new InvalidScheduleException($"Recurring job '{job.Tag}': MaxExecutions must be 0 (no limit) or more; got {job.MaxExecutions}.");
        }

        if (job.MaxAttempts is < 1)
        {
            throw new InvalidScheduleException($"Recurring job '{job.Tag}': MaxAttempts must be at least 1 when set; got {job.MaxAttempts}.");
        }

        if (job.QueueName is not null && string.IsNullOrWhiteSpace(job.QueueName))
        {
            throw new InvalidScheduleException($"Recurring job '{job.Tag}': QueueName must not be blank; leave it null for the job type's queue.");
        }

        // The registry's own checks: unknown job type (listing the known ones), then the payload field by field.
        var payload = _registry.GetJob(job.JobType).PrepareJson(job.Payload);
        var now = _time.GetUtcNow();
        var first = job.Schedule.FirstRun(now, job.StartAt)
            ?? throw new InvalidScheduleException($"Recurring job '{job.Tag}' never runs: {job.Schedule} has no time after {(job.StartAt > now ? job.StartAt : now):O}.");
        return new ScheduleDefinition
        {
            Tag = job.Tag,
            JobType = job.JobType,
            Payload = payload,
            Kind = job.Schedule.Kind,
            Interval = job.Schedule.Interval,
            Cron = job.Schedule.Expression,
            TimeZone = job.Schedule.TimeZone,
            StartAt = job.StartAt is { } start ? Schedule.Truncate(start) : null,
            NextRunAt = first,
            MaxExecutions = job.MaxExecutions,
            NoOverlap = job.NoOverlap,
            Paused = job.Paused,
            QueueName = job.QueueName,
            Priority = job.Priority,
            MaxAttempts = job.MaxAttempts,
        };
    }

    internal static void ValidateTag(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag) || tag.Length > MaxTagLength || tag.Any(char.IsWhiteSpace))
        {
            throw new InvalidScheduleException(
                $"The recurring job tag '{tag}' is invalid: use 1 to {MaxTagLength} characters without whitespace, such as \"nightly-report\".");
        }
    }
}
