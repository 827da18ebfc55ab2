namespace JobRunners;

/// <summary>
/// A filter over job rows, newest first, for <see cref="IJobMonitor.QueryAsync"/>. Paging is by keyset: pass the
/// previous page's <see cref="JobPage.NextBeforeId"/> as <see cref="BeforeId"/>, so a deep page costs what the
/// first one does.
/// </summary>
public sealed record JobQuery
{
    /// <summary>Only rows in this status.</summary>
    public JobStatus? Status { get; init; }

    /// <summary>Only rows of this job type.</summary>
    public string? JobType { get; init; }

    /// <summary>Only rows of this queue.</summary>
    public string? QueueName { get; init; }

    /// <summary>Only rows written at or after this time (UTC).</summary>
    public DateTimeOffset? CreatedFrom { get; init; }

    /// <summary>Only rows written before this time (UTC).</summary>
    public DateTimeOffset? CreatedBefore { get; init; }

    /// <summary>Only rows with an id below this (paging, newest first).</summary>
    public long? BeforeId { get; init; }

    /// <summary>At most this many rows (default 50).</summary>
    public int Limit { get; init; } = 50;
}
