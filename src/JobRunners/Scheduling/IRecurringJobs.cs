namespace JobRunners.Scheduling;

/// <summary>
/// Creates, reads and manages recurring jobs at run time. Every process that shares the store sees the same
/// schedules; one of them (the scheduler's leader) dispatches each due run through the active <see cref="IJobRunner"/>.
/// </summary>
public interface IRecurringJobs
{
    /// <summary>
    /// Creates the recurring job, or updates the one with the same tag. The job type and payload are checked against
    /// the registry now, so a bad definition fails here rather than at run time. An update keeps the executions
    /// counted so far and the paused state, and keeps the next run unless the timing (schedule or start) changed.
    /// </summary>
    /// <returns>The schedule as stored.</returns>
    /// <exception cref="InvalidScheduleException">The tag, schedule or limits are invalid, or the schedule never runs.</exception>
    /// <exception cref="UnknownHandlerException">No job is registered under <see cref="RecurringJob.JobType"/>.</exception>
    /// <exception cref="PayloadValidationException">The payload does not fit the job's payload type.</exception>
    ValueTask<JobSchedule> AddOrUpdateAsync(RecurringJob job, CancellationToken cancellationToken = default);

    /// <summary>Reads one schedule, or null when no schedule has the tag.</summary>
    ValueTask<JobSchedule?> GetAsync(string tag, CancellationToken cancellationToken = default);

    /// <summary>Reads every schedule, ordered by tag.</summary>
    ValueTask<IReadOnlyList<JobSchedule>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Stops dispatching runs of the schedule until it is resumed. False when no schedule has the tag.</summary>
    ValueTask<bool> PauseAsync(string tag, CancellationToken cancellationToken = default);

    /// <summary>
    /// Dispatches runs of the schedule again. A next run that passed while paused is caught up once, at once, like
    /// after downtime. False when no schedule has the tag.
    /// </summary>
    ValueTask<bool> ResumeAsync(string tag, CancellationToken cancellationToken = default);

    /// <summary>
    /// Dispatches one run of the schedule's job now, as an operator's extra run: the schedule's next run, its count
    /// of executions and its paused state are left as they are. Returns the job, or null when no schedule has the tag.
    /// </summary>
    ValueTask<JobRequest?> TriggerAsync(string tag, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the schedule; jobs it already dispatched are not touched. A schedule defined in code with
    /// <c>AddRecurring</c> comes back when a host starts with that registration. False when no schedule has the tag.
    /// </summary>
    ValueTask<bool> DeleteAsync(string tag, CancellationToken cancellationToken = default);
}
