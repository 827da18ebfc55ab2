namespace JobRunners;

/// <summary>One page of rows from <see cref="IJobMonitor.QueryAsync"/>, newest first.</summary>
public sealed record JobPage
{
    /// <summary>The rows of this page, newest first.</summary>
    public required IReadOnlyList<JobRequest> Items { get; init; }

    /// <summary>The <see cref="JobQuery.BeforeId"/> that reads the next page, or null when this page is the last.</summary>
    public long? NextBeforeId { get; init; }
}
