namespace JobRunners.Extensibility;

/// <summary>A filter for <see cref="IJobStore.ListAsync"/>.</summary>
public sealed record JobQuery
{
    /// <summary>Only rows in this status.</summary>
    public JobStatus? Status { get; init; }

    /// <summary>Only rows of this job type.</summary>
    public string? JobType { get; init; }

    /// <summary>Only rows of this queue.</summary>
    public string? QueueName { get; init; }

    /// <summary>Only rows with an id below this (paging, newest first).</summary>
    public long? BeforeId { get; init; }

    /// <summary>At most this many rows (default 50).</summary>
    public int Limit { get; init; } = 50;
}
