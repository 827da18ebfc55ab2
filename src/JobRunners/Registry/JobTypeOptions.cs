namespace JobRunners;

/// <summary>Settings for one job type; anything left null falls back to <see cref="JobRunnersOptions"/>.</summary>
public sealed class JobTypeOptions
{
    /// <summary>Retries for this type; null for the global policy.</summary>
    public RetryPolicy? Retry { get; set; }

    /// <summary>The default queue name for this type; null for the job type's own name.</summary>
    public string? QueueName { get; set; }

    /// <summary>How long finished rows of this type are kept; null for the global retention.</summary>
    public TimeSpan? Retention { get; set; }

    /// <summary>The lease a worker takes on a row of this type; null for the global lease.</summary>
    public TimeSpan? Lease { get; set; }
}
