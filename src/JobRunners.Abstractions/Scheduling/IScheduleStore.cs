using JobRunners.Scheduling;

namespace JobRunners.Extensibility;

/// <summary>
/// Where recurring job schedules live (<c>job_schedule</c>) and who leads the scheduler (<c>scheduler_lease</c>).
/// A schedule store shares its database with the job store: its tables come from the same migrations, and it reads
/// <c>job_request</c> to find the job row of an unconfirmed run. Implementations take the current time from a
/// <see cref="TimeProvider"/>.
/// </summary>
public interface IScheduleStore
{
    /// <summary>The store's kind, such as <c>sqlite</c> or <c>postgres</c>.</summary>
    string Name { get; }

    /// <summary>Applies pending schema migrations (the job store's list: both live in one database); safe to repeat.</summary>
    ValueTask MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates the schedule, or updates the one with the same tag. An update replaces what to dispatch, the limits
    /// and the options, keeps executions, the last run and the paused state, and keeps the next run unless the
    /// timing changed (see <see cref="ScheduleDefinition.NextRunAt"/>). An update that leaves no runs under the
    /// limit clears the next run.
    /// </summary>
    ValueTask<ScheduleUpsertResult> UpsertAsync(ScheduleDefinition definition, CancellationToken cancellationToken = default);

    /// <summary>Reads one schedule, or null.</summary>
    ValueTask<JobSchedule?> GetAsync(string tag, CancellationToken cancellationToken = default);

    /// <summary>Reads every schedule, ordered by tag.</summary>
    ValueTask<IReadOnlyList<JobSchedule>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Pauses or resumes a schedule. False when no schedule has the tag.</summary>
    ValueTask<bool> SetPausedAsync(string tag, bool paused, CancellationToken cancellationToken = default);

    /// <summary>Deletes a schedule. False when no schedule has the tag.</summary>
    ValueTask<bool> DeleteAsync(string tag, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the schedules the leader must act on, oldest due first: those with an unconfirmed run
    /// (<see cref="JobSchedule.PendingRunAt"/>, even when paused), and unpaused ones under their limit whose next run
    /// is due by <paramref name="dueBy"/>.
    /// </summary>
    ValueTask<IReadOnlyList<JobSchedule>> ListDueAsync(DateTimeOffset dueBy, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// The earliest time the leader must act on a schedule: an unconfirmed run (its due time, already past), or the
    /// next run of an unpaused schedule under its limit. Null when no schedule has anything to run. The scheduler
    /// sleeps until then instead of asking every second.
    /// </summary>
    ValueTask<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically claims one due run: only when the schedule's next run is still <see cref="ScheduleClaim.DueAt"/>
    /// (compare-and-set), no run is pending, it is not paused, it is under its limit, and
    /// <see cref="ScheduleClaim.Holder"/> holds an unexpired scheduler lease. The claim counts an execution, records
    /// the run as last and pending, and moves the next run to <see cref="ScheduleClaim.NextRunAt"/> (null once the
    /// limit is reached). Of several claims of one run, at most one succeeds.
    /// </summary>
    ValueTask<bool> TryClaimRunAsync(ScheduleClaim claim, CancellationToken cancellationToken = default);

    /// <summary>
    /// Confirms a claimed run: clears the pending run when it is still <paramref name="dueAt"/> and records the job
    /// row it dispatched (<paramref name="jobId"/>), or why it could not (<paramref name="failure"/>). False when that run is not pending (already confirmed).
    /// </summary>
    ValueTask<bool> CompleteRunAsync(string tag, DateTimeOffset dueAt, long? jobId, string? failure, CancellationToken cancellationToken = default);

    /// <summary>
    /// The newest job row of <paramref name="jobType"/> written with <paramref name="uniqueKey"/>, in any status, or
    /// null: how a new leader learns whether an unconfirmed run was dispatched before its predecessor died.
    /// </summary>
    ValueTask<long?> FindJobByUniqueKeyAsync(string jobType, string uniqueKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the scheduler lease for <paramref name="holder"/>, or renews it, until now + <paramref name="duration"/>:
    /// one atomic write that succeeds only when the lease is free, expired, or already held by
    /// <paramref name="holder"/>. True when <paramref name="holder"/> now leads.
    /// </summary>
    ValueTask<bool> TryAcquireLeaseAsync(string holder, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>Gives up the lease so another process can lead at once. False when <paramref name="holder"/> did not hold it.</summary>
    ValueTask<bool> ReleaseLeaseAsync(string holder, CancellationToken cancellationToken = default);

    /// <summary>Reads the lease as stored (possibly expired), or null when no process has led yet.</summary>
    ValueTask<SchedulerLease?> GetLeaseAsync(CancellationToken cancellationToken = default);
}
