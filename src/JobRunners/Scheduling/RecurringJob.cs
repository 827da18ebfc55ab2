namespace JobRunners.Scheduling;

/// <summary>
/// A recurring job as its author defines it: which job to dispatch with which payload, when, how often in all, and
/// how. Stored under its <see cref="Tag"/> by <see cref="IRecurringJobs.AddOrUpdateAsync"/> or, for schedules
/// defined in code, by <c>AddRecurring</c> when the host starts.
/// </summary>
public sealed record RecurringJob
{
    /// <summary>The schedule's identity, such as <c>nightly-report</c>: at most 200 characters, no whitespace.</summary>
    public required string Tag { get; init; }

    /// <summary>The registered job name each run dispatches.</summary>
    public required string JobType { get; init; }

    /// <summary>
    /// The payload: the job's payload record, or anything that serializes to it (an anonymous object, a JSON string,
    /// a <c>JsonElement</c>). Validated when the schedule is defined, then dispatched unchanged on every run.
    /// </summary>
    public required object Payload { get; init; }

    /// <summary>When it runs.</summary>
    public required Schedule Schedule { get; init; }

    /// <summary>No run before this time; null to start from when the schedule is defined.</summary>
    public DateTimeOffset? StartAt { get; init; }

    /// <summary>Runs allowed in all (0, the default, for no limit). Once reached the schedule stays stored, completed.</summary>
    public int MaxExecutions { get; init; }

    /// <summary>
    /// When true a due run waits until the job row of the previous run is final (succeeded, failed or cancelled);
    /// runs that fall due meanwhile collapse into that one.
    /// </summary>
    public bool NoOverlap { get; init; }

    /// <summary>Create the schedule paused. Only applies when the tag is new: an update keeps the stored paused state.</summary>
    public bool Paused { get; init; }

    /// <summary>The queue each run's job goes to; null for the job type's default.</summary>
    public string? QueueName { get; init; }

    /// <summary>Each run's job priority (default 0).</summary>
    public int Priority { get; init; }

    /// <summary>Each run's job attempts; null for the job type's retry policy.</summary>
    public int? MaxAttempts { get; init; }
}
