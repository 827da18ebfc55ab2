namespace JobRunners.Runners.Synchronous;

/// <summary>Settings of the synchronous runner, bound from <c>JobRunners:Sync</c>.</summary>
public sealed class SynchronousOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "JobRunners:Sync";

    /// <summary>
    /// Wait out each retry's backoff delay before the next attempt (default false: attempts run back to back, so
    /// a dispatch returns promptly with the final row).
    /// </summary>
    public bool WaitForBackoff { get; set; }
}
