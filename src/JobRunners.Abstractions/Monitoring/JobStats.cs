namespace JobRunners;

/// <summary>
/// What an operator reads first about the jobs in a store, from <see cref="IJobMonitor.GetStatsAsync"/>: counts by
/// status and type, each queue's backlog, recent throughput and the workers seen recently.
/// </summary>
public sealed record JobStats
{
    /// <summary>When the figures were read, by the store's clock (UTC).</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>Row counts per status and job type; a pair with no rows is not listed.</summary>
    public required IReadOnlyList<JobCount> Counts { get; init; }

    /// <summary>Each queue with queued rows: how many, how many are due, and how long the oldest due one has waited.</summary>
    public required IReadOnlyList<QueueBacklog> Queues { get; init; }

    /// <summary>Jobs finished per minute over the last minutes asked for, oldest minute first.</summary>
    public required IReadOnlyList<ThroughputSample> Throughput { get; init; }

    /// <summary>Workers that held or finished a job recently, most recent first.</summary>
    public required IReadOnlyList<WorkerSeen> Workers { get; init; }

    /// <summary>Jobs that failed for good in the last hour.</summary>
    public long FailedLastHour { get; init; }
}

/// <summary>How many rows of one job type are in one status.</summary>
public sealed record JobCount(string JobType, JobStatus Status, long Count);

/// <summary>One queue's queued rows: how many, how many are due, and the wait of the oldest due one.</summary>
public sealed record QueueBacklog(string QueueName, long Queued, long Due, TimeSpan? OldestDueAge);

/// <summary>Jobs that finished in one minute, starting at <see cref="Minute"/> (UTC).</summary>
public sealed record ThroughputSample(DateTimeOffset Minute, long Succeeded, long Failed);

/// <summary>A worker seen recently: its id, when it last claimed, extended or finished a job, and what it runs now.</summary>
public sealed record WorkerSeen(string WorkerId, DateTimeOffset LastSeenAt, int Running);
